"""Round money: members' charges at close and the adjustments receiving brings.

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
absorbed (a later supplier invoice records any price difference, visibly: see `suppliers`).

After receiving, `ledger_post_round_update` takes the round's new full breakdown and posts only the
difference from what the round has posted so far; `ledger_post_round_adjustment` posts signed
changes the caller has already worked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.core.money import quantize
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import (
    LedgerError,
    member_accounts,
    post,
    supplier_account,
    system_account,
)
from coopbuy.ledger.sources import Source, SourceKind

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
    accounts = member_accounts(memberships.values())
    legs: list[tuple[Account, Decimal]] = [(accounts[c.membership_id], -c.total) for c in charges]
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
    round_id: int,
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
        source=Source.round(round_id),
        round_reference=round_reference,
        enforce_credit=enforce_credit,
    )
    if created:
        audit_record(
            action=f"ledger.{kind}",
            summary=description,
            actor=actor,
            group=group,
            data={"transaction": posted.pk, "round": round_id, "members": len(charges)},
        )
    return posted


@transaction.atomic
def ledger_post_round_charges(
    *,
    group: BuyingGroup,
    round_id: int,
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
        round_id=round_id,
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
    round_id: int,
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
        round_id=round_id,
        round_reference=round_reference,
        charges=charges,
        supplier_goods=supplier_goods,
        delivery_fees=delivery_fees or {},
        actor=actor,
        idempotency_key=idempotency_key,
        enforce_credit=enforce_credit,
    )


ROUND_KINDS = (TxKind.ROUND_CHARGE, TxKind.ROUND_ADJUSTMENT)


def round_entries(group: BuyingGroup, round_id: int) -> QuerySet[Entry]:
    """Entries of a round's charges and adjustments, and of their reversals (nothing else).

    Found by the round's id (the postings' source), never by its name: renaming a round moves
    no money.
    """
    return Entry.objects.filter(
        transaction__group=group,
        transaction__source_kind=SourceKind.ROUND,
        transaction__source_id=round_id,
    ).filter(
        Q(transaction__kind__in=ROUND_KINDS)
        | Q(transaction__kind=TxKind.REVERSAL, transaction__reverses__kind__in=ROUND_KINDS)
    )


@transaction.atomic
def ledger_post_round_update(
    *,
    group: BuyingGroup,
    round_id: int,
    round_reference: str,
    charges: Sequence[MemberCharge],
    supplier_goods: Mapping[int, Decimal],
    delivery_fees: Mapping[int, Decimal],
    actor: User | None,
    idempotency_key: str,
    reason: str = "",
) -> Transaction | None:
    """Bring a round's postings to its new full breakdown (after receiving): post the difference.

    The round closer hands over the whole bill again, as `ledger_post_round_charges` takes it; the
    ledger compares it with what this round has posted so far, account by account, and posts one
    adjustment for the difference (None when nothing changed). The accounts the round touches
    are locked (pk order) before what it posted is summed, so two updates at once cannot both
    post the same difference; the rounds area calls this under the round's lock, which
    serialises the updates of one round (docs/adr/0005-lock-order.md).
    """
    require_money_role(group=group, user=actor)
    existing = Transaction.objects.filter(group=group, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    wanted: dict[int, Decimal] = {}
    accounts: dict[int, Account] = {}
    for account, amount in _round_legs(
        group=group, charges=charges, supplier_goods=supplier_goods, delivery_fees=delivery_fees
    ):
        wanted[account.pk] = wanted.get(account.pk, ZERO) + amount
        accounts[account.pk] = account
    touched = set(wanted) | set(round_entries(group, round_id).values_list("account", flat=True))
    for account in (
        Account.objects.select_for_update(no_key=True)
        .filter(group=group, pk__in=touched)
        .order_by("pk")
    ):
        accounts.setdefault(account.pk, account)
    existing = Transaction.objects.filter(group=group, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    posted = {  # quantized: SQLite adds decimals as floats (a sum of 0 may be 4.4e-16)
        account: quantize(total)
        for account, total in round_entries(group, round_id)
        .values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    }
    legs = [
        (accounts[pk], wanted.get(pk, ZERO) - posted.get(pk, ZERO))
        for pk in sorted(accounts)
        if wanted.get(pk, ZERO) != posted.get(pk, ZERO)
    ]
    if not legs:
        return None
    description = _("Adjustment to %(round)s") % {"round": round_reference}
    if reason.strip():
        description += f": {reason.strip()}"
    adjustment, _created = post(
        group=group,
        kind=TxKind.ROUND_ADJUSTMENT,
        description=description,
        legs=legs,
        actor=actor,
        idempotency_key=idempotency_key,
        source=Source.round(round_id),
        round_reference=round_reference,
    )
    audit_record(
        action="ledger.round_update",
        summary=description,
        actor=actor,
        group=group,
        data={"transaction": adjustment.pk, "round": round_id},
    )
    return adjustment
