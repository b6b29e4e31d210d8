"""The ledger's one API router, and the key its bookings post under.

`api.py` (my account), `treasury_api.py` (bookings, transactions, settings, the CSV),
`accounts_api.py` (accounts, statements, invoices) and `supplier_api.py` (supplier money) all
attach their operations to `router`; `api.py` imports them so that `coopbuy.config.api` mounts the
whole area with one line.
"""

import uuid

from django.http import HttpRequest
from ninja import Router

from coopbuy.api.auth import principal
from coopbuy.api.idempotency import HEADER
from coopbuy.ledger.keys import user_key

router = Router(tags=["ledger"])


def ledger_key(request: HttpRequest) -> str:
    """The ledger's own key: the caller's Idempotency-Key, private to the caller (or a new one).

    A booking posted under it is one transaction however often it is retried, even after the
    API's own key record (24 hours) is gone. It is a user key ("usr:…", see `ledger.keys`): no
    header can name a key the system derives ("sys:round-8-close").
    """
    key = request.headers.get(HEADER)
    return user_key(owner=principal(request).key, key=key if key is not None else uuid.uuid4().hex)
