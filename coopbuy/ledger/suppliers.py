"""Supplier money: their invoices recorded against the payable (the difference shown), payments.

A round's charges already credit each supplier's payable with what members were charged for its
goods (`coopbuy.ledger.charges`); the supplier's own invoice may differ (a price change, a line
members were not charged for). Recording it books the difference between the payable and the
adjustments account, so the payable equals the invoice and the difference stays visible.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.charges import round_entries
from coopbuy.ledger.models import Account, SupplierInvoice, Transaction
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import LedgerError, post, supplier_account, system_account
from coopbuy.ledger.sources import MANUAL, Source, SourceKind

Kind = Account.Kind
TxKind = Transaction.Kind
ZERO = Decimal("0.00")


def posted_for_supplier(*, account: Account, round_id: int | None) -> Decimal:
    """What the round's postings (charges, adjustments, their reversals) owe this supplier."""
    if round_id is None or account.group_id is None:
        return ZERO
    group = BuyingGroup.objects.get(pk=account.group_id)
    total = (
        round_entries(group, round_id)
        .filter(account=account)
        .aggregate(total=Sum("amount"))["total"]
    )
    return total if total is not None else ZERO


def _round_of(group: BuyingGroup, round_id: int | None, label: str) -> tuple[int | None, str]:
    """The round an invoice is for, by id (or by a label the group's postings carried)."""
    round_postings = Transaction.objects.filter(group=group, source_kind=SourceKind.ROUND)
    if round_id is not None:
        found = round_postings.filter(source_id=round_id).order_by("-pk").first()
    elif label:
        found = round_postings.filter(round_reference=label).order_by("-pk").first()
    else:
        return None, ""
    if found is None:  # the web offers only the group's rounds
        raise LedgerError(
            _("No transaction of this group is for the round “%(round)s”.")
            % {"round": label or round_id},
            field="round_reference",
        )
    return found.source_id, found.round_reference


@transaction.atomic
def supplier_invoice_record(
    *,
    group: BuyingGroup,
    supplier: Supplier,
    number: str,
    amount: Decimal,
    actor: User,
    idempotency_key: str,
    round_id: int | None = None,
    round_reference: str = "",
    received_on: date | None = None,
) -> SupplierInvoice:
    """Record a supplier's invoice against its payable.

    The payable already holds what the round posted; a difference (a price change, a line the
    supplier billed that members were not charged for) is booked between the payable and the
    adjustments account, so the payable equals the invoice and the difference stays visible.
    """
    require_money_role(group=group, user=actor)
    if supplier.group_id != group.pk:
        raise AccessDenied(_("This supplier belongs to another group."))
    number = number.strip()
    if not number:
        raise LedgerError(_("Give the supplier's invoice number."), field="number")
    if amount <= 0:
        raise LedgerError(_("The invoice total must be more than zero."), field="amount")
    round_id, round_reference = _round_of(group, round_id, round_reference.strip())
    payable = supplier_account(group, supplier)
    known = SupplierInvoice.objects.filter(account=payable, number=number).first()
    if known is not None:
        return known
    posted = posted_for_supplier(account=payable, round_id=round_id)
    difference = amount - posted
    source = Source.round(round_id) if round_id is not None else MANUAL
    invoice = SupplierInvoice.objects.create(
        group=group,
        account=payable,
        number=number,
        round_reference=round_reference,
        source_kind=source.kind,
        source_id=source.id,
        amount=amount,
        posted_goods=posted,
        received_on=received_on or timezone.localdate(),
        created_by=actor,
    )
    if difference:
        invoice.transaction, _created = post(
            group=group,
            kind=TxKind.SUPPLIER_INVOICE,
            description=_("Invoice %(number)s from %(supplier)s: difference from the round")
            % {"number": number, "supplier": supplier.name},
            legs=[(payable, difference), (system_account(group, Kind.ADJUSTMENTS), -difference)],
            actor=actor,
            idempotency_key=idempotency_key,
            source=Source(SourceKind.SUPPLIER_INVOICE, invoice.pk),
            round_reference=round_reference,
            external_reference=number,
        )
        invoice.save(update_fields=["transaction"])
    audit_record(
        action="ledger.supplier_invoice",
        summary=_("%(actor)s recorded invoice %(number)s of %(supplier)s for %(amount)s")
        % {"actor": actor.name, "number": number, "supplier": supplier.name, "amount": amount},
        actor=actor,
        group=group,
        data={"invoice": invoice.pk, "difference": str(difference)},
    )
    return invoice


@transaction.atomic
def supplier_payment_record(
    *,
    group: BuyingGroup,
    supplier: Supplier,
    amount: Decimal,
    actor: User,
    idempotency_key: str,
    method: str = Kind.BANK,
    reference: str = "",
    booked_on: date | None = None,
) -> Transaction:
    """The group paid a supplier from the bank (or cash box): the payable goes down."""
    require_money_role(group=group, user=actor)
    if supplier.group_id != group.pk:
        raise AccessDenied(_("This supplier belongs to another group."))
    if amount <= 0:
        raise LedgerError(_("The amount must be more than zero."), field="amount")
    if method not in (Kind.BANK, Kind.CASH):
        raise LedgerError(_("Choose bank transfer or cash."), field="method")
    payable = supplier_account(group, supplier)
    posted, created = post(
        group=group,
        kind=TxKind.SUPPLIER_PAYMENT,
        description=_("Payment to %(supplier)s") % {"supplier": supplier.name},
        legs=[(payable, -amount), (system_account(group, method), amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        external_reference=reference,
        booked_on=booked_on,
    )
    if created:
        audit_record(
            action="ledger.supplier_payment",
            summary=_("%(actor)s paid %(amount)s to %(supplier)s")
            % {"actor": actor.name, "amount": amount, "supplier": supplier.name},
            actor=actor,
            group=group,
            data={"transaction": posted.pk},
        )
    return posted
