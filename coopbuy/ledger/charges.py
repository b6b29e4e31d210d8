"""Round money: members' charges at close, receiving adjustments, supplier invoices and payments.

The round closer (coopbuy.rounds) computes each member's goods, markup, VAT and delivery share (with
`coopbuy.core.costshare`, exact to the penny) and calls `ledger_post_round_charges` inside its own
transaction. One balanced transaction results:

    each member            debit  total (= goods + deposit + markup + vat + delivery)
    each supplier payable  credit goods (incl. deposits and VAT) billed + its delivery fee
    fees income            credit the markup
    delivery costs         credit members' delivery shares minus the suppliers' delivery fees
                           (zero, and left out, when the shares were split from those fees)

so the members' charges equal the supplier goods plus the costs, by construction. Members' goods
plus deposits and VAT must add up to the suppliers' goods exactly: a difference is refused, not
absorbed (a later supplier invoice records any price difference, visibly).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.models import Account, Entry, SupplierInvoice, Transaction
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import (
    LedgerError,
    member_account,
    post,
    supplier_account,
    system_account,
)

Kind = Account.Kind
TxKind = Transaction.Kind
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MemberCharge:
    """One member's bill for a round (or, signed, a change to it at receiving)."""

    membership_id: int
    goods: Decimal
    markup: Decimal
    vat: Decimal
    delivery: Decimal
    total: Decimal
    deposit: Decimal = Decimal("0.00")  # bottles, crates: billed by the supplier like goods


def _round_legs(
    *,
    group: BuyingGroup,
    charges: Sequence[MemberCharge],
    supplier_goods: Mapping[int, Decimal],
    delivery_fees: Mapping[int, Decimal],
) -> list[tuple[Account, Decimal]]:
    for charge in charges:
        parts = charge.goods + charge.deposit + charge.markup + charge.vat + charge.delivery
        if parts != charge.total:
            raise LedgerError(
                _(
                    "Membership %(id)s: goods, deposit, markup, VAT and delivery add up to "
                    "%(sum)s, not %(total)s."
                )
                % {"id": charge.membership_id, "sum": parts, "total": charge.total}
            )
    member_ids = {c.membership_id for c in charges}
    memberships = {
        m.pk: m
        for m in Membership.objects.filter(group=group, pk__in=member_ids).select_related(
            "user", "group"
        )
    }
    supplier_ids = set(supplier_goods) | set(delivery_fees)
    suppliers = {s.pk: s for s in Supplier.objects.filter(group=group, pk__in=supplier_ids)}
    if len(memberships) != len(member_ids) or len(suppliers) != len(supplier_ids):
        raise AccessDenied(_("Some of these members or suppliers belong to another group."))
    members_goods = sum((c.goods + c.deposit + c.vat for c in charges), ZERO)
    billed_goods = sum(supplier_goods.values(), ZERO)
    if members_goods != billed_goods:
        raise LedgerError(
            _(
                "Members' goods, deposits and VAT add up to %(members)s, "
                "the suppliers' to %(suppliers)s."
            )
            % {"members": members_goods, "suppliers": billed_goods}
        )
    legs: list[tuple[Account, Decimal]] = [
        (member_account(memberships[c.membership_id]), -c.total) for c in charges
    ]
    for supplier_id in sorted(supplier_ids):
        amount = supplier_goods.get(supplier_id, ZERO) + delivery_fees.get(supplier_id, ZERO)
        legs.append((supplier_account(group, suppliers[supplier_id]), amount))
    markup = sum((c.markup for c in charges), ZERO)
    legs.append((system_account(group, Kind.FEES), markup))
    delivery = sum((c.delivery for c in charges), ZERO) - sum(delivery_fees.values(), ZERO)
    if delivery:
        legs.append((system_account(group, Kind.DELIVERY), delivery))
    return [(account, amount) for account, amount in legs if amount]


def _post_round(
    *,
    group: BuyingGroup,
    kind: str,
    description: str,
    round_reference: str,
    charges: Sequence[MemberCharge],
    supplier_goods: Mapping[int, Decimal],
    delivery_fees: Mapping[int, Decimal],
    actor: User | None,
    idempotency_key: str,
    enforce_credit: bool,
) -> Transaction | None:
    require_money_role(group=group, user=actor)
    existing = Transaction.objects.filter(group=group, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    legs = _round_legs(
        group=group, charges=charges, supplier_goods=supplier_goods, delivery_fees=delivery_fees
    )
    if not legs:
        return None
    posted, created = post(
        group=group,
        kind=kind,
        description=description,
        legs=legs,
        actor=actor,
        idempotency_key=idempotency_key,
        round_reference=round_reference,
        enforce_credit=enforce_credit,
    )
    if created:
        audit_record(
            action=f"ledger.{kind}",
            summary=description,
            actor=actor,
            group=group,
            data={"transaction": posted.pk, "round": round_reference, "members": len(charges)},
        )
    return posted


@transaction.atomic
def ledger_post_round_charges(
    *,
    group: BuyingGroup,
    round_reference: str,
    charges: Sequence[MemberCharge],
    supplier_goods: Mapping[int, Decimal],
    delivery_fees: Mapping[int, Decimal],
    actor: User | None,
    idempotency_key: str,
    enforce_credit: bool = False,
) -> Transaction | None:
    """Charge every member of a closed round in one balanced transaction (None: nothing to charge).

    `supplier_goods` and `delivery_fees` are keyed by `catalog.Supplier` id. `actor` None means the
    system closed the round on schedule. Calling again with the same key returns the same posting.
    The credit rule is checked when members order; `enforce_credit=True` checks it again here,
    under the account locks, and refuses the whole posting if one member would go beyond it.
    """
    return _post_round(
        group=group,
        kind=TxKind.ROUND_CHARGE,
        description=_("Charges for %(round)s") % {"round": round_reference},
        round_reference=round_reference,
        charges=charges,
        supplier_goods=supplier_goods,
        delivery_fees=delivery_fees,
        actor=actor,
        idempotency_key=idempotency_key,
        enforce_credit=enforce_credit,
    )


@transaction.atomic
def ledger_post_round_adjustment(
    *,
    group: BuyingGroup,
    round_reference: str,
    charges: Sequence[MemberCharge],
    supplier_goods: Mapping[int, Decimal],
    actor: User | None,
    idempotency_key: str,
    delivery_fees: Mapping[int, Decimal] | None = None,
    reason: str = "",
    enforce_credit: bool = False,
) -> Transaction | None:
    """Receiving changed the bills: negative amounts credit members (shortages), positive ones
    charge them (substitutions, price rises); the suppliers' goods move by the same signed amounts.
    """
    description = _("Adjustment to %(round)s") % {"round": round_reference}
    if reason.strip():
        description += f": {reason.strip()}"
    return _post_round(
        group=group,
        kind=TxKind.ROUND_ADJUSTMENT,
        description=description,
        round_reference=round_reference,
        charges=charges,
        supplier_goods=supplier_goods,
        delivery_fees=delivery_fees or {},
        actor=actor,
        idempotency_key=idempotency_key,
        enforce_credit=enforce_credit,
    )


def posted_for_supplier(*, account: Account, round_reference: str) -> Decimal:
    """What the round's postings (charges, adjustments, their reversals) owe this supplier."""
    total = Entry.objects.filter(
        account=account,
        transaction__round_reference=round_reference,
        transaction__kind__in=[TxKind.ROUND_CHARGE, TxKind.ROUND_ADJUSTMENT, TxKind.REVERSAL],
    ).aggregate(total=Sum("amount"))["total"]
    return total if total is not None else ZERO


@transaction.atomic
def supplier_invoice_record(
    *,
    group: BuyingGroup,
    supplier: Supplier,
    number: str,
    amount: Decimal,
    actor: User,
    idempotency_key: str,
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
    payable = supplier_account(group, supplier)
    known = SupplierInvoice.objects.filter(account=payable, number=number).first()
    if known is not None:
        return known
    posted = posted_for_supplier(account=payable, round_reference=round_reference)
    difference = amount - posted
    booking = None
    if difference:
        booking, _created = post(
            group=group,
            kind=TxKind.SUPPLIER_INVOICE,
            description=_("Invoice %(number)s from %(supplier)s: difference from the round")
            % {"number": number, "supplier": supplier.name},
            legs=[(payable, difference), (system_account(group, Kind.ADJUSTMENTS), -difference)],
            actor=actor,
            idempotency_key=idempotency_key,
            round_reference=round_reference,
            external_reference=number,
        )
    invoice = SupplierInvoice.objects.create(
        group=group,
        account=payable,
        number=number,
        round_reference=round_reference,
        amount=amount,
        posted_goods=posted,
        transaction=booking,
        received_on=received_on or timezone.localdate(),
        created_by=actor,
    )
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
