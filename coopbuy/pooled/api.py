"""The pooled rounds API: `/api/v1/federations/{slug}/pooled-rounds` (the federation's
coordinators), and a member's own saving in their child round."""

from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.federations.permissions import federation_for_runner
from coopbuy.pooled import selectors, services
from coopbuy.pooled.api_schemas import (
    PooledGroupOut,
    PooledRoundDetailOut,
    PooledRoundIn,
    PooledRoundOut,
    PooledSavingOut,
)
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledRound
from coopbuy.pooled.permissions import pool_for_runner
from coopbuy.pooled.savings import saving_sentence
from coopbuy.rounds.permissions import round_for_member

router = Router(tags=["pooled rounds"])
Id = Annotated[int, Path(ge=1, le=2**62)]
DETAIL = {200: PooledRoundDetailOut, **problem_responses()}
LIST = {200: Page[PooledRoundOut], **problem_responses()}
CREATED = {201: PooledRoundDetailOut, **problem_responses()}
MINE = {200: PooledSavingOut, **problem_responses()}


def _detail(pool: PooledRound) -> PooledRoundDetailOut:
    drops: dict[int, list[PooledDrop]] = {}
    for d in selectors.drops(pool):
        drops.setdefault(d.group_id, []).append(d)
    groups = [
        PooledGroupOut.of(r, drops.get(r.group_id, [])) for r in selectors.group_results(pool)
    ]
    return PooledRoundDetailOut(**PooledRoundOut.of(pool).model_dump(), groups=groups)


@router.get(
    "/{slug:slug}/pooled-rounds", response={200: Page[PooledRoundOut], **problem_responses()}
)
def list_pooled_rounds(
    request: HttpRequest, slug: str, paging: Query[Paging]
) -> Page[PooledRoundOut]:
    federation = federation_for_runner(slug=slug, user=caller(request))
    return paginate(request, selectors.pooled_rounds_of(federation), paging, PooledRoundOut.of)


@router.post(
    "/{slug:slug}/pooled-rounds", response={201: PooledRoundDetailOut, **problem_responses()}
)
@idempotent
def open_pooled_round(
    request: HttpRequest, slug: str, payload: PooledRoundIn
) -> Status[PooledRoundDetailOut]:
    """Open a pooled round of a shared supplier: every member group gets its child round."""
    federation = federation_for_runner(slug=slug, user=caller(request))
    supplier = Supplier.objects.filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise PooledError(_("Choose a supplier the federation shares."), field="supplier_id")
    pool = services.pooled_round_open(
        federation=federation, actor=caller(request), supplier=supplier, name=payload.name,
        opens_at=payload.opens_at, closes_at=payload.closes_at, policy=payload.policy,
        drop_fee=payload.drop_fee,
    )  # fmt: skip
    return Status(201, _detail(pool))


@router.get("/{slug:slug}/pooled-rounds/{pool_id}", response=DETAIL)
def get_pooled_round(request: HttpRequest, slug: str, pool_id: Id) -> PooledRoundDetailOut:
    """The pooled round with each group's totals, drop and what pooling changed for it."""
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=caller(request))
    return _detail(pool)


@router.post("/{slug:slug}/pooled-rounds/{pool_id}/close", response=DETAIL)
@idempotent
def close_pooled_round(request: HttpRequest, slug: str, pool_id: Id) -> PooledRoundDetailOut:
    """Close now (idempotent): allocate the pool, freeze every group's round, post the money."""
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=caller(request))
    return _detail(pooled_round_close(pool=pool, actor=caller(request)).pool)


@router.post("/{slug:slug}/pooled-rounds/{pool_id}/cancel", response=DETAIL)
@idempotent
def cancel_pooled_round(request: HttpRequest, slug: str, pool_id: Id) -> PooledRoundDetailOut:
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=caller(request))
    return _detail(services.pooled_round_cancel(pool=pool, actor=caller(request)))


@router.get(
    "/groups/{slug:slug}/rounds/{round_id}/pooling",
    response={200: PooledSavingOut, **problem_responses()},
)
def my_pooling_saving(request: HttpRequest, slug: str, round_id: Id) -> PooledSavingOut:
    """What pooling saved (or cost) me in my group's child round, once it closed."""
    _group, membership, round = round_for_member(slug=slug, round_id=round_id, user=caller(request))
    saving = selectors.member_saving(round=round, membership_id=membership.pk)
    result = PooledGroupResult.objects.filter(round=round).first()
    if saving is None or result is None or round.pool_id is None:
        raise Http404(_("This round has no pooled result for you."))
    others = PooledGroupResult.objects.filter(pool_id=round.pool_id).count() - 1
    return PooledSavingOut(
        received_quantity=saving.received_quantity, goods=saving.goods, delivery=saving.delivery,
        alone_received_quantity=saving.alone_received_quantity, alone_goods=saving.alone_goods,
        alone_delivery=saving.alone_delivery, alone_total=saving.alone_total,
        pooling_saving=saving.pooling_saving,
        sentence=saving_sentence(
            saving.pooling_saving, round.currency, others=others, extra_cases=result.extra_cases
        ),
    )  # fmt: skip
