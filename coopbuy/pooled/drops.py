"""Receiving a group's drop: the group got less of a product than the federation sent it.

The group's coordinator receives its child round on the usual receiving page (and API):
`rounds.receiving.round_receive_product` hands a child round to `drop_receive`
(`settings.COOPBUY_POOLED_DROP_RECEIVER`). The shortfall is shared among that group's members
only, by the pool's policy (`coopbuy.core.pooled_receiving.reallocate_drop`); other groups are
untouched.

Who bears it: **the federation**. It took the supplier's delivery, split it into drops and
carried them (that is what the drop fee pays for), so goods missing at a drop were lost in its
hands. The group's members pay only for what reached them; the group's delivery (its share of the
supplier's fee and the drop fee, fixed by what the federation sent) is shared again among its
members who receive, pro rata to their goods (`regroup_delivery`); the group owes the federation
that much less; the federation still owes the supplier everything the supplier delivered, and
books the difference as a cost in its adjustments account (`money.post_federation_update`).
Then the round's receive steps run on the group's new charges (a programme's subsidy worked out
again, `settings.COOPBUY_ROUND_RECEIVE_STEPS`).

The record and the audit event are the ones a round's receiving writes, so "Tell the members"
(`rounds.receiving.round_receiving_done`) sends each affected member one email as for any round.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import to_minor
from coopbuy.core.pooled_receiving import reallocate_drop, regroup_delivery
from coopbuy.core.receiving import Held
from coopbuy.pooled import money
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledRound
from coopbuy.pooled.services import lock_pool
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters as round_adapters
from coopbuy.rounds import extensions as round_extensions
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
from coopbuy.rounds.receiving import store_charges

RECEIVABLE = (Round.Status.CLOSED, Round.Status.ORDERED, Round.Status.RECEIVED)
Kind = ReceivingRecord.Kind


def drop_units(*, round: Round) -> dict[int, int]:
    """Units of each product (RoundProduct pk ->) the federation sent this child round's group."""
    return {
        d.product_id: d.units if d.sent_units is None else d.sent_units
        for d in PooledDrop.objects.filter(pool_id=round.pool_id, group_id=round.group_id)
    }


def drop_receive(
    *,
    round: Round,
    actor: User,
    product_id: int,
    units_received: int,
    invoice_unit_price: Decimal | None = None,
    substitute_name: str = "",
    note: str = "",
) -> ReceivingRecord:
    """Record what reached the group's drop of one product; shares, charges and books follow.

    Runs in the caller's transaction (`round_receive_product` is atomic); locks the actor's
    membership (the role check), then the pool, then the round, as the pooled close does.
    """
    require_round_coordinator(round=round, user=actor)
    pool = lock_pool(PooledRound(pk=round.pool_id))
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
    price = product.applied_unit_price or product.unit_price
    if invoice_unit_price is not None and invoice_unit_price != price:
        raise RoundError(
            _("The federation is invoiced for a pooled order: a drop takes no new price."),
            field="invoice_unit_price",
        )
    if substitute_name.strip():
        raise RoundError(
            _("A substitute in a pooled order is recorded by the federation, not at a drop."),
            field="substitute_name",
        )
    sent = drop_units(round=round).get(product.pk, 0)
    if not 0 <= units_received <= sent:
        raise RoundError(
            _("The federation sent %(sent)d units of %(name)s: give a number from 0 to %(sent)d.")
            % {"sent": sent, "name": product.name},
            field="units_received",
        )
    before = product.received_units if product.received_units is not None else sent
    current = {
        round_adapters.member_id(a.membership_id): a
        for a in Allocation.objects.select_for_update(no_key=True)
        .filter(product=product)
        .order_by("membership_id")
    }
    held = reallocate_drop(
        policy=round.policy,  # type: ignore[arg-type]
        demand=round_adapters.demand_rows_for_product(product),
        held={m: Held(a.from_quantity, a.from_tolerance) for m, a in current.items()},
        units=units_received,
    )
    units_before = {a.membership_id: a.units for a in current.values()}
    changed = []
    for member, row in current.items():
        now = held.get(member, Held(0, 0))
        if now.units == row.units:
            continue
        row.from_quantity, row.from_tolerance, row.units = (
            now.from_quantity, now.from_tolerance, now.units,
        )  # fmt: skip
        row.amount = price * now.units
        row.explanation = (
            _(
                "Your group's drop had %(got)d of the %(sent)d units the federation sent, so you "
                "get %(units)d of the %(requested)d you asked for."
            )
            % {"got": units_received, "sent": sent, "units": now.units,
               "requested": row.requested}
        )[:300]  # fmt: skip
        row.explanation_code = "delivery_short" if now.units < units_before[row.membership_id] \
            else "delivery_extra"  # fmt: skip
        changed.append(row)
    Allocation.objects.bulk_update(
        changed,
        ["from_quantity", "from_tolerance", "units", "amount", "explanation", "explanation_code"],
    )
    product.received_units = units_received
    product.save(update_fields=["received_units"])
    record = ReceivingRecord.objects.create(
        round=round, product=product,
        kind=Kind.SHORT if units_received < sent else Kind.AS_ORDERED,
        units_ordered=before, units_received=units_received, old_unit_price=price,
        new_unit_price=price, leftover_units=0, note=note.strip()[:300], recorded_by=actor,
    )  # fmt: skip
    charges = _drop_charges(round)
    bills = store_charges(round, charges)
    reason = _("%(product)s: %(got)d of the %(sent)d units sent reached the drop") % {
        "product": product.name, "got": units_received, "sent": sent,
    }  # fmt: skip
    owed = money.post_group_update(
        round=round, federation=pool.federation,
        charges=charges,
        actor=actor, key=f"round-{round.pk}-receiving-{record.pk}", reason=reason,
    )  # fmt: skip
    money.post_federation_update(
        pool=pool, round=round, owed=owed, payable=0, drop_fee=0, actor=actor,
        key=f"pooled-{pool.pk}-drop-{record.pk}", reason=reason,
    )  # fmt: skip
    for step in round_extensions.receive_steps():  # e.g. the subsidy on the new charges
        step(round=round, charges=charges, actor=actor, key=f"drop-receiving-{record.pk}")
    if round.status != Round.Status.RECEIVED:
        round.status = Round.Status.RECEIVED
        round.received_at = timezone.now()
        round.save(update_fields=["status", "received_at"])
    round_figures_record(round=round)
    audit_record(
        action="round.received",
        summary=_("%(user)s received %(got)d of %(ordered)d units of %(product)s")
        % {"user": actor.name, "got": units_received, "ordered": before, "product": product.name},
        actor=actor,
        group=round.group,
        data={
            "round": round.pk,
            "product": product.pk,
            "kind": record.kind,
            "record": record.pk,
            "pooled_round": pool.pk,
            "name": product.name[:200],
            "price": [str(price), str(price)],
            "bills": {str(pk): [str(b), str(n)] for pk, (b, n) in bills.items()},
            "units": {
                str(r.membership_id): [units_before[r.membership_id], r.units] for r in changed
            },
        },
    )
    return record


def _drop_charges(round: Round) -> dict[int, MemberCharge]:
    """Goods from the group's allocations now; the group's delivery (as the federation sent its
    drop) shared again among those who receive while anything is short at the drop."""
    charges = round_adapters.charges_for_round(round)
    result = PooledGroupResult.objects.filter(round=round).first()
    if result is None:  # the group received nothing at the close: no delivery to share
        return {pk: replace(c, delivery=0) for pk, c in charges.items()}
    total = to_minor(result.delivery if result.sent_delivery is None else result.sent_delivery)
    stored = {
        pk: to_minor(d)
        for pk, d in MemberRoundCharge.objects.filter(round=round).values_list(
            "membership_id", "delivery"
        )
    }
    sent = drop_units(round=round)
    short = any(
        got < sent.get(pk, 0)
        for pk, got in RoundProduct.objects.filter(
            round=round, received_units__isnull=False
        ).values_list("pk", "received_units")
        if got is not None
    )
    if not short and sum(stored.values()) == total:  # as the federation shared it
        return {pk: replace(c, delivery=stored.get(pk, 0)) for pk, c in charges.items()}
    receiving = {
        str(pk)
        for pk in Allocation.objects.filter(round=round, units__gt=0).values_list(
            "membership_id", flat=True
        )
    }
    shares = regroup_delivery(
        total=total, goods={str(pk): c.goods for pk, c in charges.items()}, receiving=receiving
    )
    return {pk: replace(c, delivery=shares[str(pk)]) for pk, c in charges.items()}
