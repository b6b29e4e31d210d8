"""Delivery and collection: what arrived, re-allocation of shortages, who collected their bag.

Receiving a product records one `ReceivingRecord` (who, when, what arrived, at what price) and an
audit event, re-allocates the product by the round's policy (`coopbuy.core.receiving`), updates the
members' allocation lines and recomputes every member's charge (delivery shares depend on all of
them). A substitute is recorded by name with its invoice price; members get it in place of the
ordered product. Units nobody asked for are reported as leftover (the group's surplus).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.receiving import Held, reallocate
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters, billing, documents
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import (
    Allocation,
    MemberRoundCharge,
    ReceivingRecord,
    Round,
    RoundProduct,
)
from coopbuy.rounds.permissions import require_round_coordinator

RECEIVABLE = (Round.Status.CLOSED, Round.Status.ORDERED, Round.Status.RECEIVED)

Kind = ReceivingRecord.Kind


@transaction.atomic
def round_receive_product(
    *,
    round: Round,
    actor: User,
    product_id: int,
    units_received: int,
    invoice_unit_price: Decimal | None = None,
    substitute_name: str = "",
    note: str = "",
) -> ReceivingRecord:
    """Record what arrived of one product and adjust allocations and charges."""
    round = lock_round(round)
    require_round_coordinator(round=round, user=actor)
    if round.status not in RECEIVABLE:
        raise RoundError(_("Only a closed or ordered round can be received."))
    product = (
        RoundProduct.objects.select_for_update(no_key=True)
        .filter(round=round, pk=product_id)
        .first()
    )
    if product is None:
        raise RoundError(_("This product is not in the round."), field="product")
    if units_received < 0:
        raise RoundError(_("Give a whole number of units, 0 or more."), field="units_received")
    if invoice_unit_price is not None and invoice_unit_price < 0:
        raise RoundError(_("A price cannot be negative."), field="invoice_unit_price")
    ordered = (
        product.received_units
        if product.received_units is not None
        else (product.cases or 0) * product.case_size
    )
    old_price = product.applied_unit_price or product.unit_price
    new_price = old_price if invoice_unit_price is None else invoice_unit_price
    substitute_name = substitute_name.strip()
    if substitute_name:
        kind = Kind.SUBSTITUTED
    elif units_received < ordered:
        kind = Kind.SHORT
    elif units_received > ordered:
        kind = Kind.EXTRA
    elif new_price != old_price:
        kind = Kind.PRICE_CHANGED
    else:
        kind = Kind.AS_ORDERED
    current = {
        adapters.member_id(a.membership_id): a
        for a in Allocation.objects.select_for_update(no_key=True)
        .filter(product=product)
        .order_by("membership_id")
    }
    outcome = reallocate(
        policy=round.policy,  # type: ignore[arg-type]
        demand=adapters.demand_rows_for_product(product),
        held={m: Held(a.from_quantity, a.from_tolerance) for m, a in current.items()},
        units=units_received,
    )
    changed = []
    units_before = {row.membership_id: row.units for row in current.values()}
    for member, held in outcome.held.items():
        row = current.get(member)
        if row is None:  # a member with demand but no line (cannot happen after a close)
            continue
        row.from_quantity, row.from_tolerance = held.from_quantity, held.from_tolerance
        row.units = held.units
        row.amount = new_price * held.units
        if held.units != row.requested and kind in (Kind.SHORT, Kind.EXTRA):
            row.explanation = (
                _("The supplier delivered %(got)d of the %(ordered)d units ordered.")
                % {"got": units_received, "ordered": ordered}
            )[:300]
            row.explanation_code = "delivery_short" if kind == Kind.SHORT else "delivery_extra"
        changed.append(row)
    Allocation.objects.bulk_update(
        changed,
        ["from_quantity", "from_tolerance", "units", "amount", "explanation", "explanation_code"],
    )
    product.received_units = units_received
    product.applied_unit_price = new_price
    if substitute_name:
        product.substitute_name = substitute_name[:200]
    product.save(update_fields=["received_units", "applied_unit_price", "substitute_name"])
    record = ReceivingRecord.objects.create(
        round=round,
        product=product,
        kind=kind,
        units_ordered=ordered,
        units_received=units_received,
        old_unit_price=old_price,
        new_unit_price=new_price,
        substitute_name=substitute_name[:200],
        leftover_units=outcome.leftover,
        note=note.strip()[:300],
        recorded_by=actor,
    )
    bills = _recompute_charges(round)
    billing.round_post_bill_update(
        round=round,
        actor=actor,
        key=f"receiving-{record.pk}",
        reason=_("%(product)s: %(got)d of %(ordered)d units arrived")
        % {"product": product.name, "got": units_received, "ordered": ordered},
    )
    _tell_members(round, product, bills, units_before, {r.membership_id: r for r in changed})
    if round.status != Round.Status.RECEIVED:
        round.status = Round.Status.RECEIVED
        round.received_at = timezone.now()
        round.save(update_fields=["status", "received_at"])
    round_figures_record(round=round)
    audit_record(
        action="round.received",
        summary=_("%(user)s received %(got)d of %(ordered)d units of %(product)s")
        % {"user": actor.name, "got": units_received, "ordered": ordered, "product": product.name},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "product": product.pk, "kind": kind, "record": record.pk},
    )
    return record


def _recompute_charges(round: Round) -> dict[int, tuple[Decimal, Decimal]]:
    """Store every member's charge anew; returns (total before, total now) where it changed."""
    charges = adapters.charges_for_round(round)
    existing = {c.membership_id: c for c in MemberRoundCharge.objects.filter(round=round)}
    fields = ("goods", "deposit", "vat", "markup", "delivery", "total")
    updated = []
    moved: dict[int, tuple[Decimal, Decimal]] = {}
    for pk, charge in charges.items():
        fresh = adapters.charge_row(round, pk, charge)
        row = existing.get(pk)
        if row is None:
            fresh.save()
            moved[pk] = (Decimal("0.00"), fresh.total)
            continue
        if row.total != fresh.total:
            moved[pk] = (row.total, fresh.total)
        for name in fields:
            setattr(row, name, getattr(fresh, name))
        updated.append(row)
    MemberRoundCharge.objects.bulk_update(updated, list(fields))
    return moved


def _tell_members(
    round: Round,
    product: RoundProduct,
    bills: dict[int, tuple[Decimal, Decimal]],
    units_before: dict[int, int],
    lines: dict[int, Allocation],
) -> None:
    """Email each member whose bill the delivery changed: what they get now, and the new total."""
    if not bills:
        return
    emails = dict(Membership.objects.filter(pk__in=bills).values_list("pk", "user__email"))
    mail = documents.BillChangeMail(round, product)
    outbox_enqueue_many(
        [
            mail.email(
                to=emails[pk],
                line=lines.get(pk),
                units_before=units_before.get(pk),
                total_before=before,
                total_now=now,
            )
            for pk, (before, now) in sorted(bills.items())
            if emails.get(pk)
        ]
    )


@transaction.atomic
def round_mark_collected(
    *, round: Round, actor: User, membership_id: int, collected: bool, note: str = ""
) -> MemberRoundCharge:
    """Tick (or untick) a member's bag at the collection table, with a note on any problem."""
    round = lock_round(round)
    require_round_coordinator(round=round, user=actor)
    charge = MemberRoundCharge.objects.filter(round=round, membership_id=membership_id).first()
    if charge is None:
        raise RoundError(_("This member has nothing to collect in this round."))
    charge.collected_at = timezone.now() if collected else None
    charge.collected_by = actor if collected else None
    charge.collection_note = note.strip()[:300]
    charge.save(update_fields=["collected_at", "collected_by", "collection_note"])
    audit_record(
        action="round.collected" if collected else "round.uncollected",
        summary=_("%(user)s marked a bag of %(round)s %(state)s")
        % {
            "user": actor.name,
            "round": round.name,
            "state": _("collected") if collected else _("not collected"),
        },
        actor=actor,
        group=round.group,
        data={"round": round.pk, "membership": membership_id, "note": charge.collection_note},
    )
    return charge
