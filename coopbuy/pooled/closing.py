"""Closing a pooled round: one allocation for the pool, every child round frozen, money posted.

Each child round runs the round close steps (`settings.COOPBUY_ROUND_CLOSE_STEPS`) after its
money is posted, as a round's own close does: a programme's group in the pool gets its subsidy.
All in one transaction and idempotent (a closed pool is returned as it is; every posting has a
system key). The solver runs before the locks are taken, as `rounds.closing` does (ADR 0005):
under the locks the problem is read again and solved again only if a basket changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.bulk import bulk_insert, bulk_set
from coopbuy.core.charges import MemberCharge
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.pooling import PooledResult, allocate_pooled
from coopbuy.core.problem import ProductResult
from coopbuy.federations.permissions import require_federation_role
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.pooled import adapters, money
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import (
    PooledDrop,
    PooledGroupResult,
    PooledMemberSaving,
    PooledRound,
)
from coopbuy.pooled.savings import saving_sentence
from coopbuy.pooled.services import FROZEN, lock_pool
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters as round_adapters
from coopbuy.rounds import documents
from coopbuy.rounds import extensions as round_extensions
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import MemberRoundCharge, Round, RoundProduct

SOLVE_OUTSIDE_THE_LOCK = 2


@dataclass(frozen=True)
class PooledCloseResult:
    pool: PooledRound
    closed_now: bool
    groups: int = 0
    members: int = 0


def pooled_round_close(
    *, pool: PooledRound, actor: User | None, now: datetime | None = None,
    time_limit: float = 10.0,
) -> PooledCloseResult:  # fmt: skip
    """Allocate the pool, freeze every child round, post the money in every book; idempotent.

    `actor` None is the deadline task (it closes only when due); a federation coordinator may
    close early.
    """
    for attempt in range(SOLVE_OUTSIDE_THE_LOCK + 1):
        solved = None
        if attempt < SOLVE_OUTSIDE_THE_LOCK:
            unlocked = PooledRound.objects.select_related("federation", "supplier").get(pk=pool.pk)
            if actor is not None:  # refused before the solver runs; checked again under locks
                with transaction.atomic():
                    require_federation_role(federation=unlocked.federation, user=actor)
            if unlocked.status == PooledRound.Status.OPEN and (
                actor is not None or (now or timezone.now()) >= unlocked.closes_at
            ):
                pp = adapters.problem_for_pool(unlocked, _children(unlocked))
                solved = (pp, _solve(pp, time_limit))
        outcome = _close_locked(
            pool=pool, actor=actor, now=now, time_limit=time_limit, solved=solved,
            last_try=attempt == SOLVE_OUTSIDE_THE_LOCK,
        )  # fmt: skip
        if outcome is not None:
            return outcome
    raise AssertionError("the last try solves under the lock")  # pragma: no cover


def _children(pool: PooledRound) -> list[Round]:
    return list(Round.objects.filter(pool=pool).select_related("group").order_by("pk"))


@dataclass(frozen=True)
class Solved:
    """The pool's result, and each group's product results had it ordered alone."""

    result: PooledResult
    alone: dict[str, dict[str, ProductResult]]  # group id -> pool product id -> result


def _solve(pp: adapters.PoolProblem, time_limit: float) -> Solved:
    result = allocate_pooled(pp.pooled, time_limit=time_limit, explain_result=True)
    alone = {g: {p.id: p for p in r.products} for g, r in result.alone_results.items()}
    return Solved(result, alone)


@transaction.atomic
def _close_locked(
    *,
    pool: PooledRound,
    actor: User | None,
    now: datetime | None,
    time_limit: float,
    solved: tuple[adapters.PoolProblem, Solved] | None,
    last_try: bool,
) -> PooledCloseResult | None:
    if actor is not None:  # before the pool's lock (docs/adr/0005)
        require_federation_role(federation=pool.federation, user=actor)
    pool = lock_pool(pool)
    if pool.status in FROZEN:
        return PooledCloseResult(pool, False)
    if pool.status != PooledRound.Status.OPEN:
        raise PooledError(_("Only an open pooled round can be closed."))
    now = now or timezone.now()
    if actor is None and now < pool.closes_at:
        return PooledCloseResult(pool, False)
    children = [lock_round(r) for r in _children(pool)]
    pp = adapters.problem_for_pool(pool, children)
    if solved is not None and solved[0].pooled == pp.pooled:
        outcome = solved[1]
    elif last_try:
        outcome = _solve(pp, time_limit)
    else:
        return None
    result = outcome.result
    delivery = adapters.member_delivery(result)
    members = 0
    for child in children:
        members += _close_child(pool, child, pp, outcome, delivery, actor, now)
    pool.status = PooledRound.Status.CLOSED
    pool.closed_at = now
    if actor is not None and now < pool.closes_at:
        pool.closes_at = now
    supplier = result.result.suppliers[0]
    pool.ordered = supplier.ordered
    pool.applied_delivery_fee = supplier.delivery_fee
    pool.goods = sum(
        (g.owed - g.delivery for g in PooledGroupResult.objects.filter(pool=pool)), from_minor(0)
    )  # what the supplier bills for goods: deposits and VAT included
    pool.save(
        update_fields=[
            "status", "closed_at", "closes_at", "ordered", "applied_delivery_fee", "goods",
        ]
    )  # fmt: skip
    audit_record(
        action="pooled.closed",
        summary=_("%(who)s closed the pooled round %(name)s")
        % {"who": actor.name if actor else _("The deadline"), "name": pool.name},
        actor=actor,
        data={"pooled_round": pool.pk, "groups": len(children), "members": members},
    )
    return PooledCloseResult(pool, True, len(children), members)


def _close_child(
    pool: PooledRound,
    child: Round,
    pp: adapters.PoolProblem,
    outcome: Solved,
    delivery: dict[int, int],
    actor: User | None,
    now: datetime,
) -> int:
    """Freeze one child round, store what pooling changed for its group, post its money."""
    result = outcome.result
    gid = adapters.group_id(child.pk)
    rp = round_adapters.problem_for_round(child)
    lines_of, charges = round_adapters.freeze_result(
        child, rp, adapters.round_result(pp, result, child, pp.names)
    )
    charges = _exact_delivery(child, charges, delivery)
    child.status = Round.Status.CLOSED
    child.closed_at = now
    child.closes_at = min(child.closes_at, now) if actor is not None else child.closes_at
    child.save(update_fields=["status", "closed_at", "closes_at"])
    group = next(g for g in result.groups if g.id == gid)
    extra_cases = _store_drops(pool, child, pp, outcome, gid)
    owed = money.owed_of(charges)
    drop_fee = to_minor(group.drop_fee)
    PooledGroupResult.objects.create(
        pool=pool, round=child, group=child.group, goods=group.goods, delivery=group.delivery,
        drop_fee=group.drop_fee, total=group.total, owed=from_minor(owed),
        members_receiving=group.members_receiving, received_quantity=group.received_quantity,
        alone_goods=group.alone.goods, alone_delivery=group.alone.delivery,
        alone_total=group.alone.total, alone_received_quantity=group.alone.received_quantity,
        pooling_saving=group.pooling_saving, extra_cases=extra_cases,
    )  # fmt: skip
    savings = _store_members(pool, child, result, gid)
    money.post_group_charges(round=child, federation=pool.federation, charges=charges, actor=actor)
    money.post_federation_side(
        pool=pool, round=child, owed=owed, supplier_share=owed - drop_fee, drop_fee=drop_fee,
        actor=actor,
    )  # fmt: skip
    for step in round_extensions.close_steps():  # as a round's close: e.g. a programme's subsidy
        step(round=child, charges=charges, actor=actor)
    round_figures_record(round=child)
    _mail(child, lines_of, charges, savings, extra_cases, len(pp.pooled.groups) - 1)
    audit_record(
        action="round.closed",
        summary=_("The pooled round %(pool)s closed the round %(round)s")
        % {"pool": pool.name, "round": child.name},
        actor=actor,
        group=child.group,
        data={"round": child.pk, "pooled_round": pool.pk, "members": len(lines_of)},
    )
    return len(lines_of)


def _exact_delivery(
    child: Round, charges: dict[int, MemberCharge], delivery: dict[int, int]
) -> dict[int, MemberCharge]:
    """Each member's delivery exactly as the engine shared the supplier's fee and the drop fee
    (the round's own split of the group's part could differ by a penny)."""
    exact = {pk: replace(c, delivery=delivery.get(pk, 0)) for pk, c in charges.items()}
    rows = MemberRoundCharge.objects.filter(round=child).values_list("pk", "membership_id")
    bulk_set(
        MemberRoundCharge,
        ["delivery", "total"],
        [
            (pk, from_minor(exact[m].delivery), from_minor(exact[m].total))
            for pk, m in rows.iterator()
        ],
    )
    return exact


DROP_FIELDS = (
    "pool_id", "group_id", "product_id", "name", "sku", "case_size", "units", "unit_price",
    "alone_units", "alone_cases", "alone_unit_price", "extra_cases",
)  # fmt: skip
SAVING_FIELDS = (
    "pool_id", "round_id", "membership_id", "received_quantity", "goods", "delivery",
    "alone_received_quantity", "alone_received_tolerance", "alone_goods", "alone_delivery",
    "alone_total", "pooling_saving",
)  # fmt: skip


def _store_drops(
    pool: PooledRound, child: Round, pp: adapters.PoolProblem, outcome: Solved, gid: str
) -> int:
    group = next(g for g in outcome.result.groups if g.id == gid)
    units = {d.product: d.units for d in group.drop}
    price = {p.id: p.unit_price for p in outcome.result.result.products}
    alone = outcome.alone[gid]
    local = {pid: by_round[child.pk] for pid, by_round in pp.round_product.items()}
    names = dict(RoundProduct.objects.filter(round=child).values_list("pk", "sku"))
    rows = []
    extra_total = 0
    for pid, got in sorted(units.items()):
        size = pp.case_size[pid]
        a = alone[pid]
        extra = max(0, -(-got // size) - a.cases)
        extra_total += extra
        rows.append(
            PooledDrop(
                pool=pool, group=child.group, product_id=local[pid], name=pp.names[pid],
                sku=names.get(local[pid], ""), case_size=size, units=got, unit_price=price[pid],
                alone_units=a.allocated, alone_cases=a.cases, alone_unit_price=a.unit_price,
                extra_cases=extra,
            )
        )  # fmt: skip
    bulk_insert(
        PooledDrop,
        DROP_FIELDS,
        [tuple(getattr(row, f) for f in DROP_FIELDS) for row in rows],
    )
    return extra_total


def _store_members(
    pool: PooledRound, child: Round, result: PooledResult, gid: str
) -> dict[int, PooledMemberSaving]:
    rows = {}
    for m, x in zip(result.result.members, result.members, strict=True):
        if x.group != gid:
            continue
        pk = int(m.id[1:])
        rows[pk] = PooledMemberSaving(
            pool=pool, round=child, membership_id=pk, received_quantity=m.received_quantity,
            goods=m.goods, delivery=m.delivery,
            alone_received_quantity=x.alone.received_quantity,
            alone_received_tolerance=x.alone.received_tolerance, alone_goods=x.alone.goods,
            alone_delivery=x.alone.delivery, alone_total=x.alone.total,
            pooling_saving=x.pooling_saving,
        )  # fmt: skip
    bulk_insert(
        PooledMemberSaving,
        SAVING_FIELDS,
        [tuple(getattr(row, f) for f in SAVING_FIELDS) for row in rows.values()],
    )
    return rows


def _mail(
    child: Round,
    lines_of: dict[int, list[round_adapters.MemberLine]],
    charges: dict[int, MemberCharge],
    savings: dict[int, PooledMemberSaving],
    extra_cases: int,
    others: int,
) -> None:
    """Every member's result email, as a round's, with what pooling did for them."""
    emails = dict(Membership.objects.filter(pk__in=lines_of).values_list("pk", "user__email"))
    mail = documents.AllocationMail(child)
    out: list[Email] = []
    for pk, lines in lines_of.items():
        if not emails.get(pk):
            continue
        email = mail.email(emails[pk], lines, charges[pk])
        saving = savings.get(pk)
        if saving is not None:
            sentence = saving_sentence(
                saving.pooling_saving, child.currency, others=others, extra_cases=extra_cases
            )
            foot = mail.foot
            body = email.body.replace(foot, f"{sentence}\n\n{foot}", 1)
            email = replace(email, body=body)
        out.append(email)
    outbox_enqueue_many(out)
