"""The ledger's one API router, and the key its bookings post under.

`api.py` (my account), `treasury_api.py` (bookings, transactions, settings, the CSV),
`accounts_api.py` (accounts, statements, invoices) and `supplier_api.py` (supplier money) all
attach their operations to `router`; `api.py` imports them so that `coopbuy.config.api` mounts the
whole area with one line.
"""

import hashlib
import uuid

from django.http import HttpRequest
from ninja import Router

from coopbuy.api.auth import principal
from coopbuy.api.idempotency import HEADER

router = Router(tags=["ledger"])


def ledger_key(request: HttpRequest) -> str:
    """The ledger's own key: the caller's Idempotency-Key, private to the caller (or a new one).

    A booking posted under it is one transaction however often it is retried, even after the
    API's own key record (24 hours) is gone.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return uuid.uuid4().hex
    digest = hashlib.sha256(f"{principal(request).key}\n{key}".encode()).hexdigest()
    return f"api-{digest[:64]}"
