"""The single-use token a money form carries: issued by the server, for one person, group and
operation.

A form that moves money is rendered with `issue(...)`: a signed (`django.core.signing`, salted)
token naming the user, the group, the operation ("top_up", "refund"...) and a random nonce. On
POST, `redeem(...)` checks the signature, the age and that the token is this user's, for this group
and operation, and returns the ledger key the posting is made under: a user key
(`coopbuy.ledger.keys.user_key`) derived from the nonce, so nothing the browser sends can name
another key. The key is single-use by the ledger's unique index: a replay of the same submission
returns the first posting (the page shows the original result), a replay with other data is
refused (`KeyReused`), a forged, altered, expired or foreign token is refused with a form error.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

from coopbuy.errors import UserFacingError
from coopbuy.ledger.keys import user_key

SALT = "coopbuy.ledger.form-token"
MAX_AGE = timedelta(days=2)


class FormTokenError(UserFacingError):
    pass


def issue(*, user_id: int, group_id: int, operation: str) -> str:
    """A fresh token for one form shown to one person."""
    payload = {"u": user_id, "g": group_id, "op": operation, "n": secrets.token_urlsafe(18)}
    return signing.dumps(payload, salt=SALT)


def redeem(token: str, *, user_id: int, group_id: int, operation: str) -> str:
    """The ledger key of a token this server issued to this user for this form; refused if not."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise FormTokenError(
            _("This form has expired. Reload the page and fill it in again.")
        ) from None
    except signing.BadSignature:
        raise FormTokenError(
            _("This form was not issued by coopbuy or was altered. Reload the page and try again.")
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
        raise FormTokenError(_("This form was not issued by coopbuy. Reload the page."))
    if (payload.get("u"), payload.get("g"), payload.get("op")) != (user_id, group_id, operation):
        raise FormTokenError(
            _(
                "This form was issued to someone else, or for another group or operation. "
                "Reload the page and fill it in again."
            )
        )
    return user_key(owner=f"user:{user_id}", key=f"form:{operation}:{payload['n']}")
