"""A round's money in the ledger: members charged at close, bills brought up to date at receiving.

The rounds area owns the bill (`selectors.round_charges`); the ledger owns the postings. Both calls
run inside the caller's transaction, so a close or a receiving record and its posting commit
together or not at all, and their idempotency keys make a retried call post nothing twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.charges import ChargeLine, line_taxes
from coopbuy.core.charges import MemberCharge as CoreCharge
from coopbuy.core.money import from_minor, to_minor
from coopbuy.groups.models import Membership
from coopbuy.ledger.charges import (
    MemberCharge,
    ledger_post_round_charges,
    ledger_post_round_update,
)
from coopbuy.ledger.invoices import InvoiceLine, invoice_issue
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.sources import Source
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round
from coopbuy.rounds.permissions import require_round_coordinator
from coopbuy.rounds.selectors import RoundCharges, round_charges

ZERO = Decimal("0.00")
ZERO_RATE = Decimal("0.0000")


def round_reference(round: Round) -> str:
    """How the ledger, statements and invoices label the round: readable and unique in the group.

    A label only: the postings find their round by its id (`Source.round`), so a rename moves
    no money.
    """
    return f"{round.name[:68]} · #{round.pk}"


def _ledger_charges(bill: RoundCharges) -> list[MemberCharge]:
    return [
        MemberCharge(
            membership_id=c.membership_id,
            goods=c.goods,
            markup=c.markup,
            vat=c.vat,
            delivery=c.delivery,
            total=c.total,
            deposit=c.deposit,
        )
        for c in bill.charges
    ]


def round_post_charges(
    *, round: Round, actor: User | None, computed: dict[int, CoreCharge] | None = None
) -> Transaction | None:
    """Charge every member what the close allocated them (None: nobody received anything).

    `computed`: the charges the close has just frozen (see `selectors.round_charges`).
    """
    bill = round_charges(round=round, computed=computed)
    return ledger_post_round_charges(
        group=round.group,
        round_id=round.pk,
        round_reference=round_reference(round),
        charges=_ledger_charges(bill),
        supplier_goods=bill.supplier_gross,
        delivery_fees=bill.delivery_fees,
        actor=actor,
        idempotency_key=system_key(f"round-{round.pk}-close"),
    )


def round_post_bill_update(
    *, round: Round, actor: User | None, key: str, reason: str
) -> Transaction | None:
    """After receiving: post the difference between the round's bill now and what was posted."""
    bill = round_charges(round=round)
    return ledger_post_round_update(
        group=round.group,
        round_id=round.pk,
        round_reference=round_reference(round),
        charges=_ledger_charges(bill),
        supplier_goods=bill.supplier_gross,
        delivery_fees=bill.delivery_fees,
        actor=actor,
        idempotency_key=system_key(f"round-{round.pk}-{key}"),
        reason=reason,
    )


def _invoice_lines(round: Round) -> dict[int, list[InvoiceLine]]:
    """Each member's invoice lines: one per product (VAT included), then markup and delivery."""
    rows = list(
        Allocation.objects.filter(
            round=round, units__gt=0, product__applied_unit_price__isnull=False
        )
        .order_by("membership_id", "product__name", "product_id")
        .values_list(
            "membership_id",
            "product__supplier_id",
            "product__name",
            "product__unit_description",
            "units",
            "product__applied_unit_price",
            "product__vat_rate",
            "product__deposit",
        )
    )
    charge_lines = [
        ChargeLine(str(m), str(supplier), units, to_minor(price or ZERO), vat, to_minor(deposit))
        for m, supplier, _name, _unit, units, price, vat, deposit in rows
    ]
    lines: dict[int, list[InvoiceLine]] = {}
    for row, line, tax in zip(rows, charge_lines, line_taxes(charge_lines), strict=True):
        membership_id, _supplier, name, unit, units, price, vat, deposit = row
        description = f"{name} ({unit})" if unit else name
        if deposit:
            description += " " + _("incl. deposit %(deposit)s") % {"deposit": deposit}
        amount = units * (line.unit_price + line.deposit) + tax
        lines.setdefault(membership_id, []).append(
            InvoiceLine(description, Decimal(units), price or ZERO, vat, from_minor(amount))
        )
    for charge in MemberRoundCharge.objects.filter(round=round, total__gt=0):
        extra = lines.setdefault(charge.membership_id, [])
        if charge.markup:
            extra.append(InvoiceLine(_("Group markup"), Decimal(1), charge.markup, ZERO_RATE,
                                     charge.markup))  # fmt: skip
        if charge.delivery:
            extra.append(InvoiceLine(_("Share of delivery"), Decimal(1), charge.delivery,
                                     ZERO_RATE, charge.delivery))  # fmt: skip
        if sum((item.amount for item in extra), Decimal(0)) != charge.total:
            raise RoundError(_("The invoice for a member does not add up to their charge."))
    return lines


@transaction.atomic
def round_settle(*, round: Round, actor: User) -> int:
    """Close the books of a delivered round: every member gets their invoice; returns how many.

    The ledger already holds the charges and every receiving correction, so settling posts no
    money: it freezes the round (no more receiving) and issues invoices with gap-free numbers.
    """
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status not in (Round.Status.ORDERED, Round.Status.RECEIVED):
        raise RoundError(_("Only a round whose goods have arrived can be settled."))
    reference = round_reference(round)
    memberships = {
        m.pk: m
        for m in Membership.objects.filter(round_charges__round=round).select_related(
            "user", "group"
        )
    }
    issued = 0
    for membership_id, lines in sorted(_invoice_lines(round).items()):
        invoice_issue(
            membership=memberships[membership_id],
            source=Source.round(round.pk),
            round_reference=reference,
            lines=lines,
            actor=actor,
        )
        issued += 1
    round.status = Round.Status.SETTLED
    round.save(update_fields=["status"])
    audit_record(
        action="round.settled",
        summary=_("%(who)s settled the round %(round)s; %(n)d invoices issued")
        % {"who": actor.name, "round": round.name, "n": issued},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "invoices": issued},
    )
    return issued
