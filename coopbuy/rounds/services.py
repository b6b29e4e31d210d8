"""Writes to rounds before closing: create, open (copy the prices), cancel, and the basket.

Closing and the order to the supplier are in `closing.py`, delivery and collection in
`receiving.py`. Every function is one use case in one transaction and checks the actor's role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.core.basket import BasketPlan, BasketRow, plan_change
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.ledger.selectors import Spending, spending_of
from coopbuy.rounds.announcements import announce_round_open
from coopbuy.rounds.deadline import schedule_close
from coopbuy.rounds.errors import (
    RoundClosed,
    RoundError,
    closed_message,
    refuse_if_pooled,
    refuse_pooled_change,
)
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import DemandLine, MemberBudget, Round, RoundProduct, RoundSupplier
from coopbuy.rounds.ordering import BasketSummary, ProductRow, row_for, summarise
from coopbuy.rounds.permissions import (
    RoundNotFound,
    require_round_coordinator,
    require_round_member,
)
from coopbuy.rounds.spending import overspending_message
from coopbuy.rounds.wanted_by import check_wanted_by

BATCH = 2000


def _check_times(opens_at: datetime, closes_at: datetime) -> None:
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise RoundError(_("Give times with a time zone."), field="closes_at")
    if closes_at <= opens_at:
        raise RoundError(_("The round must close after it opens."), field="closes_at")


@transaction.atomic
def round_create(
    *,
    group: BuyingGroup,
    actor: User,
    name: str,
    suppliers: Sequence[Supplier],
    opens_at: datetime,
    closes_at: datetime,
    policy: str = Round.Policy.FCFS,
    markup_percent: Decimal = Decimal(0),
    delivery_share: str = Round.DeliveryShare.VALUE,
    wanted_by: date | None = None,
) -> Round:
    """A draft round for some of the group's active suppliers; `wanted_by`: when the group wants
    the delivery (on the purchase order), not before the close."""
    require_coordinator(group=group, user=actor)
    name = name.strip()
    if not name:
        raise RoundError(_("Give the round a name."), field="name")
    _check_times(opens_at, closes_at)
    check_wanted_by(closes_at, wanted_by)
    if not suppliers:
        raise RoundError(_("Choose at least one supplier."), field="suppliers")
    if any(s.group_id != group.pk or not s.is_active for s in suppliers):
        raise RoundError(_("Choose the group's own active suppliers."), field="suppliers")
    if policy not in Round.Policy.values:
        raise RoundError(_("Choose how short cases are shared."), field="policy")
    if delivery_share not in Round.DeliveryShare.values:
        raise RoundError(_("Choose how delivery costs are shared."), field="delivery_share")
    if not Decimal(0) <= markup_percent < Decimal(100):
        raise RoundError(_("The markup must be between 0 and 100 %."), field="markup_percent")
    round = Round.objects.create(
        group=group,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        policy=policy,
        markup_rate=(markup_percent / 100).quantize(Decimal("0.0001")),
        delivery_share=delivery_share,
        currency=group.currency,
        created_by=actor,
        wanted_by=wanted_by,
    )
    RoundSupplier.objects.bulk_create(
        [RoundSupplier(round=round, supplier=s, name=s.name) for s in suppliers]
    )
    audit_record(
        action="round.created",
        summary=_("%(user)s drafted the round %(round)s") % {"user": actor.name, "round": name},
        actor=actor,
        group=group,
        data={"round": round.pk},
    )
    return round


@transaction.atomic
def round_open(*, round: Round, actor: User | None) -> Round:
    """Open for orders, copying every supplier's terms and available products with their tiers."""
    if actor is not None:
        require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status != Round.Status.DRAFT:
        raise RoundError(_("Only a draft round can be opened."))
    if round.closes_at <= timezone.now():
        raise RoundError(_("The closing time has passed; move it first."), field="closes_at")
    round_suppliers = list(round.suppliers.select_related("supplier").order_by("pk"))
    by_supplier: dict[int, RoundSupplier] = {}
    for rs in round_suppliers:
        s = rs.supplier
        if s is None:
            continue
        rs.name, rs.order_email = s.name, s.order_email
        rs.min_order_value, rs.delivery_fee = s.min_order_value, s.delivery_fee
        rs.free_delivery_over = s.free_delivery_over
        by_supplier[s.pk] = rs
    RoundSupplier.objects.bulk_update(
        round_suppliers,
        ["name", "order_email", "min_order_value", "delivery_fee", "free_delivery_over"],
    )
    products = Product.objects.filter(supplier_id__in=by_supplier, is_available=True)
    tiers: dict[int, list[list[object]]] = {}
    for pid, min_cases, price in (
        PriceTier.objects.filter(product__in=products)
        .order_by("product_id", "min_cases")
        .values_list("product_id", "min_cases", "unit_price")
    ):
        tiers.setdefault(pid, []).append([min_cases, str(price)])
    RoundProduct.objects.bulk_create(
        (
            RoundProduct(
                round=round,
                supplier=by_supplier[p.supplier_id],
                product=p,
                sku=p.sku,
                name=p.name,
                category=p.category,
                unit_description=p.unit_description,
                case_size=p.case_size,
                unit_price=p.unit_price,
                vat_rate=p.vat_rate,
                deposit=p.deposit,
                tiers=tiers.get(p.pk, []),
                retail_unit_price=p.retail_unit_price,
                weight_grams=p.weight_grams,
                min_cases=p.min_cases,
                max_cases=p.max_cases,
            )
            for p in products.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    round.status = Round.Status.OPEN
    round.opened_at = timezone.now()
    round.save(update_fields=["status", "opened_at"])
    audit_record(
        action="round.opened",
        summary=_("%(user)s opened the round %(round)s")
        % {"user": actor.name if actor else _("coopbuy"), "round": round.name},
        actor=actor,
        group=round.group,
        data={"round": round.pk},
    )
    announce_round_open(round=round)
    schedule_close(round)
    return round


@transaction.atomic
def round_set_closing_time(*, round: Round, actor: User, closes_at: datetime) -> Round:
    """Move the deadline of a draft or open round; the close task is scheduled again."""
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    refuse_pooled_change(
        round,
        _("This round is part of the pooled round %(pool)s: it closes with the pool, at the "
          "time the federation set."),
        field="closes_at",
    )  # fmt: skip
    if round.status not in (Round.Status.DRAFT, Round.Status.OPEN):
        raise RoundError(_("The deadline of a closed round cannot move."), field="closes_at")
    _check_times(round.opens_at, closes_at)
    check_wanted_by(closes_at, round.wanted_by)
    round.closes_at = closes_at
    round.save(update_fields=["closes_at"])
    audit_record(
        action="round.deadline_moved",
        summary=_("%(user)s moved the deadline of %(round)s")
        % {"user": actor.name, "round": round.name},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "closes_at": closes_at.isoformat()},
    )
    if round.status == Round.Status.OPEN:
        schedule_close(round)
    return round


@transaction.atomic
def round_cancel(*, round: Round, actor: User, reason: str = "") -> Round:
    """Cancel a draft or open round; the reason (the web form asks for one) goes in the audit."""
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    refuse_if_pooled(round, _("cancel"))
    if round.status not in (Round.Status.DRAFT, Round.Status.OPEN):
        raise RoundError(_("Only a draft or open round can be cancelled."))
    round.status = Round.Status.CANCELLED
    round.save(update_fields=["status"])
    audit_record(
        action="round.cancelled",
        summary=(
            _("%(user)s cancelled the round %(round)s: %(reason)s")
            if reason.strip()
            else _("%(user)s cancelled the round %(round)s")
        )
        % {"user": actor.name, "round": round.name, "reason": reason.strip()[:200]},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "reason": reason.strip()[:200]},
    )
    return round


def _refuse_if_closed(round: Round, now: datetime) -> None:
    if round.status != Round.Status.OPEN or now >= round.closes_at:
        if round.status == Round.Status.DRAFT or now < round.opens_at:
            raise RoundClosed(_("This round is not open for orders yet."))
        raise RoundClosed(closed_message(round))


@transaction.atomic
def budget_set(
    *, round: Round, user: User, amount: Decimal | None, now: datetime | None = None
) -> MemberBudget | None:
    """Set (or, with None, remove) the member's budget for the round's goods."""
    membership = require_round_member(round=round, user=user)
    round = lock_round(round)
    _refuse_if_closed(round, now or timezone.now())
    if round.policy != Round.Policy.OPTIMAL:
        raise RoundError(_("Budgets apply only to rounds shared optimally."), field="amount")
    if amount is None:
        MemberBudget.objects.filter(round=round, membership=membership).delete()
        return None
    if amount < 0 or amount >= Decimal("1e9") or amount != amount.quantize(Decimal("0.01")):
        raise RoundError(_("Give an amount such as 40.00."), field="amount")
    budget, _created = MemberBudget.objects.update_or_create(
        round=round, membership=membership, defaults={"amount": amount}
    )
    return budget


@dataclass(frozen=True)
class BasketChange:
    """What a basket change did, and what the ordering page shows after it (no more queries)."""

    plan: BasketPlan
    round: Round  # as locked
    row: ProductRow  # the product's row: everybody's progress and the member's figures
    summary: BasketSummary  # the member's whole basket after the change
    spending: Spending


@transaction.atomic
def basket_set(
    *,
    round: Round,
    user: User,
    product_id: int,
    quantity: int,
    tolerance: int,
    now: datetime | None = None,
    membership: Membership | None = None,
) -> BasketChange:
    """Set what the member wants of one product; refused once the round has closed.

    The member's membership row is locked first (the check that they are still a member, held
    until the change commits, so a removal waits for it or is seen by it), then the round's row,
    so a basket change and the close serialise: a change that loses the race to the deadline sees
    the round closed and changes nothing (docs/adr/0005). `membership`, when a view has it
    already, is the caller's in the group of the page: a round of another group is not found.

    Queries: the two locks, the product with everybody's totals, the member's lines, the write,
    the spending rule (a fixed number whatever the basket or catalogue size).
    """
    if membership is not None and membership.group_id != round.group_id:
        raise RoundNotFound(_("There is no such round in this group."))
    membership = require_round_member(round=round, user=user)
    try:
        round = lock_round(round)
    except Round.DoesNotExist:
        raise RoundNotFound(_("There is no such round in this group.")) from None
    if membership.group_id != round.group_id:
        raise RoundNotFound(_("There is no such round in this group."))
    now = now or timezone.now()
    _refuse_if_closed(round, now)
    if quantity < 0 or tolerance < 0 or quantity > 9999 or tolerance > 9999:
        raise RoundError(_("Give a whole number from 0 to 9999."), field="quantity")
    product = _product_with_totals(round, membership, product_id)
    if product is None:
        raise RoundError(_("This product is not in the round."), field="product")
    rows: list[BasketRow] = []
    priced: dict[int, list[object]] = {}  # product -> [supplier, quantity, price, VAT, deposit]
    for pk, pid, q, t, at, sup, price, vat, deposit in DemandLine.objects.filter(
        round=round, membership=membership
    ).values_list(
        "pk",
        "product_id",
        "quantity",
        "tolerance",
        "placed_at",
        "product__supplier_id",
        "product__unit_price",
        "product__vat_rate",
        "product__deposit",
    ):
        line = priced.setdefault(pid, [sup, 0, price, vat, deposit])
        line[1] = int(str(line[1])) + q
        if pid == product_id:
            rows.append(BasketRow(pk, q, t, at))
    budget = product.my_budget if round.policy == Round.Policy.OPTIMAL else None  # type: ignore[attr-defined]
    summary_before = summarise(round, _summary_rows(priced), budget)
    before = {r.key: r for r in rows}
    plan = plan_change(rows, quantity=quantity, tolerance=tolerance, now=now)
    priced[product_id] = [
        product.supplier_id,
        plan.quantity,
        product.unit_price,
        product.vat_rate,
        product.deposit,
    ]
    summary = summarise(round, _summary_rows(priced), budget)
    spending = spending_of(membership=membership)
    refused = overspending_message(
        spending=spending, before=summary_before.total, after=summary.total
    )
    if refused:
        raise RoundError(refused, field="quantity")
    if plan.delete:
        DemandLine.objects.filter(pk__in=plan.delete).delete()
    created = [
        DemandLine(
            round=round,
            membership=membership,
            product_id=product_id,
            quantity=row.quantity,
            tolerance=row.tolerance,
            placed_at=row.placed_at,
        )
        for row in plan.rows
        if row.key is None
    ]
    if created:
        DemandLine.objects.bulk_create(created)
    for row in plan.rows:
        if row.key is not None and row != before[row.key]:
            DemandLine.objects.filter(pk=row.key).update(
                quantity=row.quantity, tolerance=row.tolerance
            )
    mine_before = (sum(r.quantity for r in rows), sum(r.tolerance for r in rows))
    all_q = product.all_quantity - mine_before[0] + plan.quantity  # type: ignore[attr-defined]
    all_t = product.all_tolerance - mine_before[1] + plan.tolerance  # type: ignore[attr-defined]
    shown = row_for(
        round, product, quantity=all_q, tolerance=all_t, mine=(plan.quantity, plan.tolerance)
    )
    return BasketChange(plan, round, shown, summary, spending)


def _product_with_totals(
    round: Round, membership: Membership, product_id: int
) -> RoundProduct | None:
    """The product, with everybody's quantity and tolerance and the member's budget, one query."""
    lines: QuerySet[DemandLine, Any] = (
        DemandLine.objects.filter(product=OuterRef("pk")).order_by().values("product")
    )
    if round.pool_id is not None:  # a pooled round's child: every group's demand fills the case
        lines = (
            DemandLine.objects.filter(
                round__pool_id=round.pool_id, product__product_id=OuterRef("product_id")
            )
            .order_by()
            .values("round__pool_id")
        )
    return (
        RoundProduct.objects.filter(round=round, pk=product_id)
        .select_related("supplier", "product")  # the catalogue's picture, for the row
        .annotate(
            all_quantity=Coalesce(Subquery(lines.annotate(s=Sum("quantity")).values("s")), 0),
            all_tolerance=Coalesce(Subquery(lines.annotate(s=Sum("tolerance")).values("s")), 0),
            my_budget=Subquery(
                MemberBudget.objects.filter(round=round, membership=membership).values("amount")[:1]
            ),
        )
        .first()
    )


def _summary_rows(
    priced: dict[int, list[object]],
) -> list[tuple[int, int, Decimal, Decimal, Decimal]]:
    return [tuple(line) for line in priced.values()]  # type: ignore[misc]
