"""Receiving a pooled round at the federation: what the supplier delivered against the order.

One receiving session (`pooled_round_receive`: what arrived of each product, at what price on the
invoice, and any substitute) is one transaction, recorded as a round's receiving records it
(`rounds.receiving.receiving_kind`):

- a **new invoice price** becomes the price of the product in every group's child round, so every
  member holding it is charged at that price;
- a **substitute** is named on every group's product (pick lists, bags), in place of the ordered
  product, at the invoice price given with it;
- each **short** product is shared again over the whole pool by the round's policy
  (`coopbuy.core.pooled_receiving.reallocate_pool`, the close's rule: members are members whatever
  their group), so each group's drop shrinks by what its members lose; **extra** units go to unmet
  demand across the pool by the same rule (drops grow) and what nobody asked for is the
  federation's leftover, shown on the receiving page and charged to no one.

Then every member's charge is computed again (goods at the prices now, delivery by rule 6 over
what members hold now: `pool_delivery`); the money is corrected with new postings in every book
(`pooled.money`): the members' accounts and what the group owes the federation in each group's
book, and in the federation's, what each group owes and what the federation owes the supplier (the
invoice: members' goods at the invoice prices and the fee); then each child round's receive steps
run on its new charges (`settings.COOPBUY_ROUND_RECEIVE_STEPS`: a programme's subsidy worked out
again). The session's key makes a retry a no-op; every affected member gets one email through
the outbox (`pooled.receiving_mail`).

A drop shortage (a group receives less than the federation sent it) is `pooled.drops`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.pooled_receiving import pool_delivery, reallocate_pool
from coopbuy.core.problem import DemandRow, Policy
from coopbuy.core.receiving import Held
from coopbuy.federations.permissions import require_federation_role
from coopbuy.pooled import money
from coopbuy.pooled.adapters import group_id
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import (
    PooledDrop,
    PooledGroupResult,
    PooledReceiving,
    PooledReceivingLine,
    PooledRound,
)
from coopbuy.pooled.receiving_mail import Delivered, tell_members
from coopbuy.pooled.services import lock_pool
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters as round_adapters
from coopbuy.rounds import extensions as round_extensions
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import (
    Allocation,
    DemandLine,
    ReceivingRecord,
    Round,
    RoundProduct,
)
from coopbuy.rounds.receiving import receiving_kind, store_charges

RECEIVABLE = (
    PooledRound.Status.CLOSED,
    PooledRound.Status.ORDERED,
    PooledRound.Status.RECEIVED,
)


@dataclass(frozen=True)
class ReceivedLine:
    product_id: int  # the catalogue product, as the pool names it
    units_received: int
    invoice_unit_price: Decimal | None = None  # None: the price stands
    substitute_name: str = ""  # what came in place of the product ("": the product itself)


@dataclass(frozen=True)
class ExpectedLine:
    product_id: int
    name: str
    case_size: int
    units: int  # what the federation expects now (its drops summed)
    unit_price: Decimal = Decimal("0.00")  # what members pay a unit now (before VAT and markup)
    substitute_name: str = ""  # as recorded by an earlier session


@dataclass(frozen=True)
class PooledReceivingResult:
    receiving: PooledReceiving
    recorded_now: bool
    members_told: int


def expected_lines(pool: PooledRound) -> list[ExpectedLine]:
    """What the federation expects of each product: its groups' drops as they stand."""
    out: dict[int, ExpectedLine] = {}
    for d in PooledDrop.objects.filter(pool=pool).select_related("product").order_by("name", "pk"):
        pk = d.product.product_id
        if pk is None:
            continue
        units = d.units if d.sent_units is None else d.sent_units
        was = out.get(pk)
        price = d.product.applied_unit_price or d.product.unit_price
        out[pk] = ExpectedLine(
            pk, d.name, d.case_size, units + (was.units if was else 0), price,
            d.product.substitute_name,
        )  # fmt: skip
    return sorted(out.values(), key=lambda x: (x.name, x.product_id))


def drops_started(pool: PooledRound) -> bool:
    return ReceivingRecord.objects.filter(round__pool=pool).exists()


@transaction.atomic
def pooled_round_receive(
    *,
    pool: PooledRound,
    actor: User,
    lines: Sequence[ReceivedLine],
    key: str,
    note: str = "",
) -> PooledReceivingResult:
    """Record what reached the federation, re-price, re-allocate, correct every book."""
    require_federation_role(federation=pool.federation, user=actor)  # first (docs/adr/0005)
    pool = lock_pool(pool)
    key = key.strip()
    if not key or len(key) > 64:
        raise PooledError(_("Give a key of 1 to 64 characters for this session."), field="key")
    known = PooledReceiving.objects.filter(pool=pool, key=key).first()
    if known is not None:
        return PooledReceivingResult(known, False, known.members_told)
    if pool.status not in RECEIVABLE:
        raise PooledError(_("Only a closed or ordered pooled round can be received."))
    children = [lock_round(r) for r in Round.objects.filter(pool=pool).order_by("pk")]
    if drops_started(pool):
        raise PooledError(
            _(
                "A group has started receiving its drop: what reached the federation must be "
                "recorded before the groups receive."
            )
        )
    expected = {x.product_id: x for x in expected_lines(pool)}
    given = _validate(lines, expected)
    wanted = {pk: line.units_received for pk, line in given.items()}
    receiving = PooledReceiving.objects.create(
        pool=pool, key=key, note=note.strip()[:300], recorded_by=actor
    )
    # short or extra: shared again over the pool
    recount = {pk: units for pk, units in wanted.items() if units != expected[pk].units}
    delivered = _reprice(children, given, expected)
    before_receiving = groups_receiving(children)
    changes: dict[int, dict[int, tuple[str, int, int, str]]] = {}  # member -> product -> change
    leftover: dict[int, int] = {}
    for pk, units in sorted(recount.items()):
        leftover[pk] = _reallocate(pool, children, pk, units, expected[pk].units, changes)
    _record_lines(receiving, given, expected, leftover)
    moved = recount or any(d.moved for d in delivered)
    bills = _recharge(pool, children, receiving, before_receiving) if moved else {}
    if pool.status != PooledRound.Status.RECEIVED:
        pool.status = PooledRound.Status.RECEIVED
        pool.save(update_fields=["status"])
    told = tell_members(children, changes, bills, delivered)
    receiving.members_told = told
    receiving.save(update_fields=["members_told"])
    audit_record(
        action="pooled.received",
        summary=_("%(user)s recorded what reached the federation of the pooled round %(name)s")
        % {"user": actor.name, "name": pool.name},
        actor=actor,
        data={
            "pooled_round": pool.pk,
            "receiving": receiving.pk,
            "short": {
                str(pk): [expected[pk].units, units]
                for pk, units in recount.items()
                if units < expected[pk].units
            },
            "extra": {
                str(pk): [expected[pk].units, units]
                for pk, units in recount.items()
                if units > expected[pk].units
            },
            "leftover": {str(pk): n for pk, n in leftover.items() if n},
            "price": {
                str(d.product_id): [str(d.old_price), str(d.new_price)]
                for d in delivered
                if d.old_price != d.new_price
            },
            "substitute": {
                str(d.product_id): d.substitute_name for d in delivered if d.substitute_name
            },
            "members_told": told,
        },
    )
    return PooledReceivingResult(receiving, True, told)


def _validate(
    lines: Sequence[ReceivedLine], expected: dict[int, ExpectedLine]
) -> dict[int, ReceivedLine]:
    if not lines:
        raise PooledError(_("Give what arrived of at least one product."), field="lines")
    wanted: dict[int, ReceivedLine] = {}
    for i, line in enumerate(lines):
        if line.product_id not in expected:
            raise PooledError(
                _("This product is not in the pooled order."), field=f"lines[{i}].product_id"
            )
        if line.product_id in wanted:
            raise PooledError(_("This product is given twice."), field=f"lines[{i}].product_id")
        name = expected[line.product_id].name
        if not 0 <= line.units_received < 2**31:
            raise PooledError(
                _("%(name)s: give a whole number of units, 0 or more.") % {"name": name},
                field=f"lines[{i}].units_received",
            )
        price = line.invoice_unit_price
        if price is not None and not 0 <= price < 100000:
            raise PooledError(
                _("%(name)s: give the invoice price of a unit, from 0.00 to 99999.99.")
                % {"name": name},
                field=f"lines[{i}].invoice_unit_price",
            )
        substitute = line.substitute_name.strip()
        if len(substitute) > 200:
            raise PooledError(
                _("%(name)s: name the substitute in 200 characters or fewer.") % {"name": name},
                field=f"lines[{i}].substitute_name",
            )
        wanted[line.product_id] = replace(
            line,
            invoice_unit_price=None if price is None else price.quantize(Decimal("0.01")),
            substitute_name=substitute,
        )
    return wanted


def _reprice(
    children: list[Round], given: dict[int, ReceivedLine], expected: dict[int, ExpectedLine]
) -> list[Delivered]:
    """Each invoice price and substitute on every group's product, and its members' amounts."""
    out: list[Delivered] = []
    for pk, line in sorted(given.items()):
        old = expected[pk].unit_price
        new = old if line.invoice_unit_price is None else line.invoice_unit_price
        if new == old and not line.substitute_name:
            continue
        out.append(Delivered(pk, expected[pk].name, line.substitute_name, old, new))
        products = list(
            RoundProduct.objects.select_for_update(no_key=True)
            .filter(round__in=children, product_id=pk)
            .order_by("pk")
        )
        for rp in products:
            rp.applied_unit_price = new
            rp.substitute_name = line.substitute_name or rp.substitute_name
        RoundProduct.objects.bulk_update(products, ["applied_unit_price", "substitute_name"])
        if new == old:
            continue
        rows = list(
            Allocation.objects.select_for_update(no_key=True)
            .filter(product__in=products)
            .order_by("pk")
        )
        for row in rows:
            row.amount = new * row.units
        Allocation.objects.bulk_update(rows, ["amount"])
    return out


def _record_lines(
    receiving: PooledReceiving,
    given: dict[int, ReceivedLine],
    expected: dict[int, ExpectedLine],
    leftover: dict[int, int],
) -> None:
    """The session's lines, each with its kind as a round's receiving names it."""
    rows = []
    for pk, line in given.items():
        was = expected[pk]
        new = was.unit_price if line.invoice_unit_price is None else line.invoice_unit_price
        kind = receiving_kind(
            ordered=was.units, received=line.units_received, old_price=was.unit_price,
            new_price=new, substitute_name=line.substitute_name,
        )  # fmt: skip
        row = PooledReceivingLine(
            receiving=receiving, product_id=pk, name=was.name[:200], kind=kind,
            units_ordered=was.units, units_received=line.units_received,
            old_unit_price=was.unit_price, new_unit_price=new,
            substitute_name=line.substitute_name, leftover_units=leftover.get(pk, 0),
        )  # fmt: skip
        rows.append(row)
    PooledReceivingLine.objects.bulk_create(rows)


def _reallocate(
    pool: PooledRound,
    children: list[Round],
    catalog_pk: int,
    units: int,
    ordered: int,
    changes: dict[int, dict[int, tuple[str, int, int, str]]],
) -> int:
    """One short (or extra) product shared again over the pool; allocations and drops updated.
    Returns the units nobody asked for (the federation's leftover)."""
    products = {
        rp.pk: rp
        for rp in RoundProduct.objects.select_for_update(no_key=True)
        .filter(round__in=children, product_id=catalog_pk)
        .order_by("pk")
    }
    round_of = {rp.pk: rp.round_id for rp in products.values()}
    demand = [
        DemandRow(f"m{m}", "p", q, t, at)
        for m, q, t, at in DemandLine.objects.filter(product__in=products)
        .order_by("placed_at", "id")
        .values_list("membership_id", "quantity", "tolerance", "placed_at")
    ]
    rows = {
        f"m{a.membership_id}": a
        for a in Allocation.objects.select_for_update(no_key=True)
        .filter(product__in=products)
        .order_by("pk")
    }
    member_group = {m: group_id(round_of[a.product_id]) for m, a in rows.items()}
    outcome = reallocate_pool(
        policy=_policy(pool),
        demand=demand,
        held={m: Held(a.from_quantity, a.from_tolerance) for m, a in rows.items()},
        member_group=member_group,
        units=units,
    )
    drops = {int(g[1:]): after for g, (_before, after) in outcome.drops.items()}
    changed = []
    for m, row in rows.items():
        held = outcome.held.get(m, Held(0, 0))
        if held.units == row.units:
            continue
        product = products[row.product_id]
        text = (
            _(
                "The supplier delivered %(got)d of the %(ordered)d units the federation ordered, "
                "so your group's drop is %(drop)d and you get %(units)d of the %(requested)d you "
                "asked for."
            )
            if units < ordered
            else _(
                "More reached the federation than was ordered (%(got)d of %(ordered)d), so your "
                "group's drop is %(drop)d and you get %(units)d of the %(requested)d you asked "
                "for."
            )
        )
        reason = (
            text
            % {"got": units, "ordered": ordered, "drop": drops.get(product.round_id, 0),
               "units": held.units, "requested": row.requested}
        )[:300]  # fmt: skip
        changes.setdefault(row.membership_id, {})[product.pk] = (
            product.substitute_name or product.name, row.units, held.units, reason,
        )  # fmt: skip
        row.from_quantity, row.from_tolerance, row.units = (
            held.from_quantity, held.from_tolerance, held.units,
        )  # fmt: skip
        row.amount = (product.applied_unit_price or product.unit_price) * held.units
        row.explanation = reason
        row.explanation_code = "delivery_short" if units < ordered else "delivery_extra"
        changed.append(row)
    Allocation.objects.bulk_update(
        changed,
        ["from_quantity", "from_tolerance", "units", "amount", "explanation", "explanation_code"],
    )
    sent = list(PooledDrop.objects.filter(pool=pool, product__in=products))
    for d in sent:
        d.sent_units = drops.get(round_of[d.product_id], 0)
    PooledDrop.objects.bulk_update(sent, ["sent_units"])
    return outcome.leftover


def _policy(pool: PooledRound) -> Policy:
    return cast(Policy, pool.policy)


def pool_charges(pool: PooledRound, children: list[Round]) -> dict[int, dict[int, MemberCharge]]:
    """Every member's charge from the pool's allocations now: child round -> membership ->."""
    goods: dict[int, dict[int, MemberCharge]] = {
        r.pk: round_adapters.charges_for_round(r) for r in children
    }
    member_group: dict[str, str] = {}
    flat: dict[str, int] = {}
    for round_pk, charges in goods.items():
        for pk, c in charges.items():
            member_group[f"m{pk}"] = group_id(round_pk)
            flat[f"m{pk}"] = c.goods
    receiving = {
        f"m{m}"
        for m in Allocation.objects.filter(round__in=children, units__gt=0)
        .values_list("membership_id", flat=True)
        .distinct()
    }
    delivery = pool_delivery(
        goods=flat,
        receiving=receiving,
        member_group=member_group,
        supplier_fee=to_minor(pool.applied_delivery_fee),
        drop_fees={group_id(r.pk): to_minor(pool.drop_fee) for r in children},
    )
    return {
        round_pk: {pk: replace(c, delivery=delivery[f"m{pk}"]) for pk, c in charges.items()}
        for round_pk, charges in goods.items()
    }


def _recharge(
    pool: PooledRound, children: list[Round], receiving: PooledReceiving, before_receiving: set[int]
) -> dict[int, tuple[Decimal, Decimal]]:
    """Charges of the whole pool anew, and the corrections in every book (one per group)."""
    charges = pool_charges(pool, children)
    moved: dict[int, tuple[Decimal, Decimal]] = {}
    reason = _("the supplier's delivery to the federation was recorded")
    results = {r.round_id: r for r in PooledGroupResult.objects.filter(pool=pool)}
    now_receiving = groups_receiving(children)
    fee = to_minor(pool.drop_fee)
    for child in children:
        mine = charges[child.pk]
        moved.update(store_charges(child, mine))
        owed = money.post_group_update(
            round=child, federation=pool.federation, charges=mine, actor=receiving.recorded_by,
            key=f"round-{child.pk}-pooled-receiving-{receiving.pk}", reason=reason,
        )  # fmt: skip
        drop_fee = fee * (int(child.pk in now_receiving) - int(child.pk in before_receiving))
        money.post_federation_update(
            pool=pool, round=child, owed=owed, payable=owed - drop_fee, drop_fee=drop_fee,
            actor=receiving.recorded_by, key=f"pooled-{pool.pk}-receiving-{receiving.pk}-"
            f"group-{child.group_id}", reason=reason,
        )  # fmt: skip
        for step in round_extensions.receive_steps():  # e.g. the subsidy on the new charges
            step(round=child, charges=mine, actor=receiving.recorded_by,
                 key=f"pooled-receiving-{receiving.pk}")  # fmt: skip
        result = results.get(child.pk)
        if result is not None:
            result.sent_delivery = from_minor(sum(c.delivery for c in mine.values()))
            result.save(update_fields=["sent_delivery"])
        round_figures_record(round=child)
    return moved


def groups_receiving(children: list[Round]) -> set[int]:
    """The child rounds where a member holds units (their group pays its drop fee)."""
    return set(
        Allocation.objects.filter(round__in=children, units__gt=0)
        .values_list("round_id", flat=True)
        .distinct()
    )
