"""The rounds area of the API: rounds, ordering into my basket, allocations, pick lists, closing.

Rounds are reached through `coopbuy.rounds.permissions` (inside the group of the address, so
another group's round is not found); a draft round is not found for members, as it is hidden from
them on the web. Baskets change only through `services.basket_set`, closing through
`closing.round_close`. Running a round (open, cancel, order, settle, repeat) is in `api_manage`,
its delivery (receiving, pick lists, collection, purchase orders) in `api_delivery`.
"""

from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import MANAGING_ROLES, group_for_coordinator, group_for_member
from coopbuy.ledger.selectors import spending_explanation
from coopbuy.rounds import closing, errors, ordering, selectors, services, spending
from coopbuy.rounds.api_router import ROUND, Id, router
from coopbuy.rounds.api_schemas import (
    AllocationOut,
    BagOut,
    BasketIn,
    BasketLineOut,
    BasketOut,
    BasketSetOut,
    BudgetIn,
    BudgetOut,
    ChargeOut,
    CloseOut,
    MyAllocationsOut,
    ProductsQuery,
    RoundChangeIn,
    RoundFilter,
    RoundIn,
    RoundOut,
    RoundProductOut,
    RoundProductsOut,
    SummaryOut,
)
from coopbuy.rounds.models import (
    Allocation,
    DemandLine,
    MemberBudget,
    MemberRoundCharge,
    Round,
    RoundProduct,
)
from coopbuy.rounds.permissions import RoundNotFound, round_for_coordinator, round_for_member
from coopbuy.rounds.wanted_by import round_set_wanted_by

__all__ = ["router"]  # mounted by coopbuy.config.api


def _visible_round(request: HttpRequest, slug: str, round_id: int) -> tuple[Membership, Round]:
    _group, membership, round = round_for_member(slug=slug, round_id=round_id, user=caller(request))
    if round.status == Round.Status.DRAFT and membership.role not in MANAGING_ROLES:
        raise RoundNotFound("There is no such round in this group.")
    return membership, round


@router.get("/{slug:slug}/rounds", response={200: Page[RoundOut], **problem_responses()})
def list_rounds(
    request: HttpRequest, slug: str, filters: Query[RoundFilter], paging: Query[Paging]
) -> Page[RoundOut]:
    """The group's rounds, latest deadline first, or only those in one `status`; drafts only for
    coordinators (members)."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    rows = (
        selectors.rounds_of_group(group=group)
        .select_related("schedule")
        .prefetch_related("suppliers")
    )
    if membership.role not in MANAGING_ROLES:
        rows = rows.exclude(status=Round.Status.DRAFT)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return paginate(request, rows, paging, RoundOut.of)


@router.post("/{slug:slug}/rounds", response={201: RoundOut, **problem_responses()})
@idempotent
def create_round(request: HttpRequest, slug: str, payload: RoundIn) -> Status[RoundOut]:
    """Draft a round for some of the group's active suppliers; open it when ready (coordinators).

    A supplier id that is not one of the group's active suppliers is a 422 naming `suppliers`;
    a deadline not after the opening a 422 naming `closes_at`.
    """
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    wanted = set(payload.suppliers)
    suppliers = list(
        Supplier.objects.filter(group=group, is_active=True, pk__in=wanted).order_by("pk")
    )
    if len(suppliers) != len(wanted):
        raise errors.RoundError(_("Choose the group's own active suppliers."), field="suppliers")
    round = services.round_create(
        group=group,
        actor=caller(request),
        name=payload.name,
        suppliers=suppliers,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        policy=payload.policy,
        markup_percent=payload.markup_percent,
        delivery_share=payload.delivery_share,
        wanted_by=payload.wanted_by,
    )
    return Status(201, RoundOut.of(round))


@router.get(ROUND, response={200: RoundOut, **problem_responses()})
def get_round(request: HttpRequest, slug: str, round_id: Id) -> RoundOut:
    """One round (members; drafts only for coordinators)."""
    return RoundOut.of(_visible_round(request, slug, round_id)[1])


@router.patch(ROUND, response={200: RoundOut, **problem_responses()})
def change_round(request: HttpRequest, slug: str, round_id: Id, payload: RoundChangeIn) -> RoundOut:
    """Move the deadline of a draft or open round, or set its wanted-by date (coordinators).

    A deadline not after the opening, of a round already closed, or of a pooled round's group
    round (it closes with the pool), is a 422 naming `closes_at`;
    a wanted-by date before the close's day, or after the order was sent, one naming `wanted_by`.
    """
    _group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=caller(request)
    )
    with transaction.atomic():  # both or neither
        if payload.closes_at is not None:
            round = services.round_set_closing_time(
                round=round, actor=caller(request), closes_at=payload.closes_at
            )
        if "wanted_by" in payload.model_fields_set:
            round = round_set_wanted_by(
                round=round, actor=caller(request), wanted_by=payload.wanted_by
            )
    return RoundOut.of(round)


@router.get(f"{ROUND}/products", response={200: RoundProductsOut, **problem_responses()})
def list_round_products(
    request: HttpRequest, slug: str, round_id: Id, search: Query[ProductsQuery]
) -> RoundProductsOut:
    """The round's products, 50 a page, with member prices, how full each case is and my order."""
    membership, round = _visible_round(request, slug, round_id)
    rows, has_more = ordering.product_rows(
        round=round,
        membership=membership,
        query=search.q.strip(),
        category=search.category,
        page=search.page,
    )
    next_url = None
    if has_more:
        query = {**request.GET.dict(), "page": str(search.page + 1)}
        next_url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
    return RoundProductsOut(items=[RoundProductOut.of(row) for row in rows], next=next_url)


def _summary(round: Round, membership: Membership) -> SummaryOut:
    return SummaryOut.of(ordering.basket_summary(round=round, membership=membership))


@router.get(f"{ROUND}/basket", response={200: BasketOut, **problem_responses()})
def my_basket(request: HttpRequest, slug: str, round_id: Id) -> BasketOut:
    """What I asked for in this round, product by product, and what it comes to."""
    membership, round = _visible_round(request, slug, round_id)
    lines = (
        DemandLine.objects.filter(round=round, membership=membership)
        .values("product_id", "product__name")
        .annotate(q=Sum("quantity"), t=Sum("tolerance"))
        .order_by("product__name", "product_id")
    )
    return BasketOut(
        lines=[
            BasketLineOut(
                product=line["product_id"],
                name=line["product__name"],
                quantity=line["q"] or 0,
                tolerance=line["t"] or 0,
            )
            for line in lines
            if line["q"] or line["t"]
        ],
        summary=_summary(round, membership),
    )


@router.put(
    f"{ROUND}/basket/{{int:product_id}}", response={200: BasketSetOut, **problem_responses()}
)
def set_basket(
    request: HttpRequest, slug: str, round_id: Id, product_id: Id, payload: BasketIn
) -> BasketSetOut:
    """Set how many units of a product I want, and how many more I would take to fill a case.

    Sending the same values again changes nothing. A closed round is a 409 that says when it
    closed; more than I may spend is a 422 naming `quantity`.
    """
    membership, round = _visible_round(request, slug, round_id)
    get_object_or_404(RoundProduct, round=round, pk=product_id)
    change = services.basket_set(
        round=round,
        user=caller(request),
        product_id=product_id,
        quantity=payload.quantity,
        tolerance=payload.tolerance,
        membership=membership,
    )
    # The change carries the product's row and the basket's summary: no need to read them again.
    return BasketSetOut(
        product=RoundProductOut.of(change.row), summary=SummaryOut.of(change.summary)
    )


def _budget(round: Round, membership: Membership) -> BudgetOut:
    summary = ordering.basket_summary(round=round, membership=membership)
    budget = MemberBudget.objects.filter(round=round, membership=membership).first()
    return BudgetOut(
        amount=budget.amount if budget else None,
        applies=round.policy == Round.Policy.OPTIMAL,
        available_to_spend=spending.spending_left(
            membership=membership, basket_total=summary.total
        ),
        explanation=spending_explanation(membership=membership, committed=summary.total),
        summary=SummaryOut.of(summary),
    )


@router.get(f"{ROUND}/budget", response={200: BudgetOut, **problem_responses()})
def my_budget(request: HttpRequest, slug: str, round_id: Id) -> BudgetOut:
    """My budget for the round (null if none) and what I may still spend (members)."""
    membership, round = _visible_round(request, slug, round_id)
    return _budget(round, membership)


@router.put(f"{ROUND}/budget", response={200: BudgetOut, **problem_responses()})
def set_budget(request: HttpRequest, slug: str, round_id: Id, payload: BudgetIn) -> BudgetOut:
    """Set the most I will spend on the round's goods; `null` removes it (members).

    Only rounds shared optimally take budgets (otherwise a 422 naming `amount`); a closed round is
    a 409.
    """
    membership, round = _visible_round(request, slug, round_id)
    services.budget_set(round=round, user=caller(request), amount=payload.amount)
    return _budget(round, membership)


@router.get(f"{ROUND}/allocations", response={200: MyAllocationsOut, **problem_responses()})
def my_allocations(request: HttpRequest, slug: str, round_id: Id) -> MyAllocationsOut:
    """What I get and what I am charged, once the round has closed (empty before)."""
    membership, round = _visible_round(request, slug, round_id)
    mine = (
        Allocation.objects.filter(round=round, membership=membership)
        .select_related("product")
        .order_by("product__name", "pk")
    )
    charge = MemberRoundCharge.objects.filter(round=round, membership=membership).first()
    return MyAllocationsOut(
        allocations=[AllocationOut.of(a) for a in mine],
        charge=ChargeOut.of(charge) if charge else None,
    )


@router.get(f"{ROUND}/pick-list", response={200: Page[BagOut], **problem_responses()})
def pick_list(request: HttpRequest, slug: str, round_id: Id, paging: Query[Paging]) -> Page[BagOut]:
    """Each member's bag, members by name (coordinators)."""
    _group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=caller(request)
    )
    return paginate(request, selectors.pick_list_by_member(round=round), paging, BagOut.of)


@router.post(f"{ROUND}/close", response={200: CloseOut, **problem_responses()})
@idempotent
def close_round(request: HttpRequest, slug: str, round_id: Id) -> CloseOut:
    """Close an open round now: allocate, charge and tell every member (coordinators).

    Closing a round already closed changes nothing (`closed_now` is false).
    """
    _group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=caller(request)
    )
    return CloseOut.of(closing.round_close(round=round, actor=caller(request)))


# Running a round, its delivery and my announcements add their operations to the same router.
from coopbuy.rounds import api_announcements, api_delivery, api_manage  # noqa: E402, F401
