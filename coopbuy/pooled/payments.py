"""Settling up after a pooled round: the federation pays the pool's supplier.

A pooled round's close credits the supplier's payable in the federation's book (found through
`FederationPayable`, see `coopbuy.pooled.money`). When the federation's treasurer (or a
coordinator) pays the supplier, one posting in the federation's book, the mirror of a group's
`ledger.suppliers.supplier_payment_record`:

    the supplier's payable           debit  amount  (the federation owes it less)
    the federation's bank (or cash)  credit amount  (the money leaves)

What a member group pays the federation is recorded in `coopbuy.federations.payments`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.federations.models import Federation
from coopbuy.federations.payments import (
    checked_amount,
    checked_method,
    federation_money_account,
)
from coopbuy.federations.permissions import Role, require_federation_role
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import post
from coopbuy.ledger.sources import MANUAL
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import FederationPayable

RUNNERS = (Role.COORDINATOR, Role.TREASURER)


@transaction.atomic
def federation_supplier_payment_record(
    *,
    federation: Federation,
    supplier: Supplier,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reference: str = "",
) -> Transaction:
    """The federation paid a pooled round's supplier from its bank (or cash box): its payable to
    the supplier goes down. Its treasurer and coordinators (who keep its money page) only."""
    require_federation_role(federation=federation, user=actor, roles=RUNNERS)
    checked_amount(amount, federation.book.currency)
    checked_method(method)
    row = FederationPayable.objects.filter(federation=federation, supplier=supplier).first()
    if row is None:
        raise PooledError(_("The federation owes this supplier nothing yet."), field="supplier")
    payable = Account.objects.get(pk=row.account_id)
    posted, created = post(
        group=None,
        book=federation.book,
        kind=Transaction.Kind.SUPPLIER_PAYMENT,
        description=_("Payment to %(supplier)s") % {"supplier": supplier.name},
        legs=[(payable, -amount), (federation_money_account(federation, method), amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        external_reference=reference.strip()[:120],
    )
    if created:
        audit_record(
            action="federation.supplier_payment",
            summary=_("%(actor)s paid %(amount)s to %(supplier)s for %(federation)s")
            % {
                "actor": actor.name,
                "amount": amount,
                "supplier": supplier.name,
                "federation": federation.name,
            },
            actor=actor,
            data={"transaction": posted.pk, "federation": federation.pk, "supplier": supplier.pk},
        )
    return posted
