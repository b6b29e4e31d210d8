"""Idempotency keys of the ledger, in two namespaces that cannot meet.

- A key the system derives from what it posts for (`round-8-close`, `statement-line-12`) is
  `system_key(...)`: "sys:" and the name.
- A key that comes from outside (an API caller's `Idempotency-Key`, the nonce of a web form's
  token) is `user_key(owner=..., key=...)`: "usr:" and a SHA-256 of the owner and the key, so
  that two callers' keys never meet and no input, whatever it says, becomes a system key.

`posting_fingerprint` digests what a posting says (its kind, source, legs, description and
references): the same key sent again with different data is refused, never reported as done.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date

SYSTEM_PREFIX = "sys:"
USER_PREFIX = "usr:"


def system_key(name: str) -> str:
    """A key the system derives, e.g. `system_key(f"round-{round.pk}-close")`."""
    return f"{SYSTEM_PREFIX}{name}"


def user_key(*, owner: str, key: str) -> str:
    """A key from outside, private to its owner (an API principal, "user:<id>")."""
    digest = hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()
    return f"{USER_PREFIX}{digest[:64]}"


def posting_fingerprint(
    *,
    kind: str,
    source: tuple[str, int | None],
    legs: Iterable[tuple[int, int]],
    description: str,
    external_reference: str,
    booked_on: date | None,
    reverses: int | None,
) -> str:
    """A digest of what a posting says; `legs` are (account id, pence) after merging."""
    data = [
        kind,
        list(source),
        sorted(legs),
        description,
        external_reference,
        booked_on.isoformat() if booked_on else None,
        reverses,
    ]
    return hashlib.sha256(json.dumps(data, separators=(",", ":")).encode()).hexdigest()
