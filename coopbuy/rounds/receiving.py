"""Delivery and collection: what arrived, re-allocation of shortages, who collected their bag.

Receiving a product records one `ReceivingRecord` (who, when, what arrived, at what price) and an
audit event, re-allocates the product by the round's policy (`coopbuy.core.receiving`), updates the
members' allocation lines and recomputes every member's charge (delivery shares depend on all of
them), then runs the receive steps (`settings.COOPBUY_ROUND_RECEIVE_STEPS`: the subsidy worked
out again on the new charges). A substitute is recorded by name with its invoice price; members
get it in place of the ordered product. Units nobody asked for are reported as leftover (the
group's surplus).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.audit.services import audit_record
from coopbuy.core.charges import MemberCharge
from coopbuy.core.receiving import Held, reallocate
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters, billing, documents, extensions
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
    """Record what arrived of one product and adjust allocations and charges.

    A child round of a pooled round is its group's drop: `extensions.pooled_drop_receiver` (the
    pooled area) receives it, with the same record and audit event, so the page, the API and
    `round_receiving_done` work as for any round.
    """
    if round.pool_id is not None:
        return extensions.pooled_drop_receiver()(
            round=round, actor=actor, product_id=product_id, units_received=units_received,
            invoice_unit_price=invoice_unit_price, substitute_name=substitute_name, note=note,
        )  # fmt: skip
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
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
    kind = receiving_kind(
        ordered=ordered, received=units_received, old_price=old_price, new_price=new_price,
        substitute_name=substitute_name,
    )  # fmt: skip
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
    originally = (product.cases or 0) * product.case_size
    units_before = {row.membership_id: row.units for row in current.values()}
    for member, held in outcome.held.items():
        row = current.get(member)
        if row is None:  # a member with demand but no line (cannot happen after a close)
            continue
        row.from_quantity, row.from_tolerance = held.from_quantity, held.from_tolerance
        row.units = held.units
        row.amount = new_price * held.units
        before = units_before.get(row.membership_id, 0)
        # Only a member whose units this delivery changed gets the delivery as the reason; one
        # who got less at closing (earlier orders filled the case...) keeps the closing's reason.
        if held.units < before:
            row.explanation = (
                _(
                    "The supplier delivered %(got)d of the %(ordered)d units ordered, so you get "
                    "%(units)d of the %(requested)d you asked for."
                )
                % {"got": units_received, "ordered": originally, "units": held.units,
                   "requested": row.requested}
            )[:300]  # fmt: skip
            row.explanation_code = "delivery_short"
        elif held.units > before:
            row.explanation = (
                _(
                    "More arrived than was ordered (%(got)d of %(ordered)d), so you get %(units)d "
                    "of the %(requested)d you asked for."
                )
                % {"got": units_received, "ordered": originally, "units": held.units,
                   "requested": row.requested}
            )[:300]  # fmt: skip
            row.explanation_code = "delivery_extra"
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
    charges = adapters.charges_for_round(round)
    bills = store_charges(round, charges)
    billing.round_post_bill_update(
        round=round,
        actor=actor,
        key=f"receiving-{record.pk}",
        reason=_("%(product)s: %(got)d of %(ordered)d units arrived")
        % {"product": product.name, "got": units_received, "ordered": ordered},
    )
    for step in extensions.receive_steps():  # e.g. the subsidy worked out on the new charges
        step(round=round, charges=charges, actor=actor, key=f"receiving-{record.pk}")
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
        data={
            "round": round.pk,
            "product": product.pk,
            "kind": kind,
            "record": record.pk,
            # what the members' digest (`round_receiving_done`) is written from
            "name": (substitute_name or product.name)[:200],
            "price": [str(old_price), str(new_price)],
            "bills": {str(pk): [str(b), str(n)] for pk, (b, n) in bills.items()},
            "units": {
                str(r.membership_id): [units_before.get(r.membership_id, 0), r.units]
                for r in changed
                if r.units != units_before.get(r.membership_id, 0)
            },
        },
    )
    return record


def receiving_kind(
    *, ordered: int, received: int, old_price: Decimal, new_price: Decimal, substitute_name: str
) -> ReceivingRecord.Kind:
    """What a delivery of one product was (a `ReceivingRecord.Kind`), the first that applies:
    substituted, short, extra, at a new price, as ordered (a pooled round's receiving too)."""
    if substitute_name:
        return Kind.SUBSTITUTED
    if received < ordered:
        return Kind.SHORT
    if received > ordered:
        return Kind.EXTRA
    if new_price != old_price:
        return Kind.PRICE_CHANGED
    return Kind.AS_ORDERED


def store_charges(
    round: Round, charges: Mapping[int, MemberCharge]
) -> dict[int, tuple[Decimal, Decimal]]:
    """Store these charges as the members' charges of the round (a pooled round's receiving
    computes a child round's charges itself); (total before, total now) where one moved."""
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


def receiving_news(round: Round) -> list[AuditEvent]:
    """The deliveries recorded since members were last told (`round_receiving_done`)."""
    events = list(
        AuditEvent.objects.filter(
            group_id=round.group_id,
            action__in=["round.received", "round.receiving_done"],
            data__round=round.pk,
        ).order_by("created_at", "pk")
    )
    done = [i for i, e in enumerate(events) if e.action == "round.receiving_done"]
    return events[done[-1] + 1 :] if done else events


@transaction.atomic
def round_receiving_done(*, round: Round, actor: User) -> int:
    """Tell each member once what the deliveries recorded since last time changed for them.

    One email per member per receiving session, however many products were recorded: what they
    get now of each product that changed for them (with the reason), and their bill before and
    after. Returns how many members were told.
    """
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status not in RECEIVABLE:
        raise RoundError(_("Only a round being received can tell its members about the delivery."))
    news = receiving_news(round)
    bills: dict[int, list[Decimal]] = {}
    units: dict[int, dict[int, list[int]]] = {}  # member -> product -> [before, now]
    names: dict[int, str] = {}
    prices: dict[int, list[Decimal]] = {}
    for event in news:
        product = int(event.data["product"])
        names[product] = str(event.data.get("name", ""))
        old, new = (Decimal(x) for x in event.data.get("price", ["0", "0"]))
        prices.setdefault(product, [old, new])[1] = new
        for pk, (before, now) in event.data.get("bills", {}).items():
            bills.setdefault(int(pk), [Decimal(before), Decimal(now)])[1] = Decimal(now)
        for pk, (before, now) in event.data.get("units", {}).items():
            units.setdefault(int(pk), {}).setdefault(product, [before, now])[1] = now
    told = {pk for pk, (before, now) in bills.items() if before != now} | {
        pk for pk, lines in units.items() if any(b != n for b, n in lines.values())
    }
    lines = {
        (a.membership_id, a.product_id): a
        for a in Allocation.objects.filter(
            round=round, membership_id__in=told, product_id__in=names
        )
    }
    totals = dict(
        MemberRoundCharge.objects.filter(round=round, membership_id__in=told).values_list(
            "membership_id", "total"
        )
    )
    emails = dict(Membership.objects.filter(pk__in=told).values_list("pk", "user__email"))
    mail = documents.DeliveryDigestMail(round)
    outbox_enqueue_many(
        [
            mail.email(
                to=emails[pk],
                changes=[
                    documents.DeliveryChange(
                        names[product],
                        before,
                        now,
                        lines[(pk, product)].explanation if (pk, product) in lines else "",
                    )
                    for product, (before, now) in sorted(units.get(pk, {}).items())
                    if before != now
                ],
                prices=[
                    (names[product], old, new)
                    for product, (old, new) in sorted(prices.items())
                    if old != new and (pk, product) in lines and lines[(pk, product)].units
                ],
                total_before=bills[pk][0] if pk in bills else totals.get(pk, Decimal(0)),
                total_now=totals.get(pk, Decimal(0)),
            )
            for pk in sorted(told)
            if emails.get(pk)
        ]
    )
    audit_record(
        action="round.receiving_done",
        summary=_("%(user)s finished receiving %(round)s; %(n)d members were told")
        % {"user": actor.name, "round": round.name, "n": len(told)},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "records": len(news), "members": len(told)},
    )
    return len(told)


@transaction.atomic
def round_mark_collected(
    *, round: Round, actor: User, membership_id: int, collected: bool, note: str = ""
) -> MemberRoundCharge:
    """Tick (or untick) a member's bag at the collection table, with a note on any problem."""
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
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
