"""The pooled rounds API: `/api/v1/federations/{slug}/pooled-rounds` (the federation's
coordinators), a member's own saving in their child round, and settling up: what each group owes
the federation and the federation each supplier (`/{fed_slug}/balances`), recording a payment
to a supplier (`/{fed_slug}/supplier-payments`) and the federation's report
(`/{fed_slug}/report`), for its coordinators and treasurer."""

import hashlib
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller, principal
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.federations import selectors as federation_selectors
from coopbuy.federations.api_schemas import GroupOwesOut
from coopbuy.federations.models import Federation
from coopbuy.federations.permissions import Role, federation_for_runner
from coopbuy.ledger.api_router import ledger_key
from coopbuy.pooled import receiving, report, selectors, services
from coopbuy.pooled.api_schemas import (
    ExpectedLineOut,
    FederationBalancesOut,
    FederationReportGroupOut,
    FederationReportOut,
    FederationReportRoundOut,
    FederationSupplierPaymentIn,
    FederationSupplierPaymentOut,
    LeftoverOut,
    PooledGroupOut,
    PooledReceivingIn,
    PooledReceivingOut,
    PooledReceivingStateOut,
    PooledRoundDetailOut,
    PooledRoundIn,
    PooledRoundOut,
    PooledSavingOut,
    SupplierOwedOut,
)
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledRound
from coopbuy.pooled.payments import federation_supplier_payment_record
from coopbuy.pooled.permissions import pool_for_runner
from coopbuy.pooled.receiving import ReceivedLine
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


def _receiving_state(pool: PooledRound) -> PooledReceivingStateOut:
    return PooledReceivingStateOut(
        can_receive=pool.status in receiving.RECEIVABLE and not receiving.drops_started(pool),
        expected=[
            ExpectedLineOut(product_id=x.product_id, name=x.name, case_size=x.case_size,
                            units=x.units, unit_price=x.unit_price,
                            substitute_name=x.substitute_name)
            for x in receiving.expected_lines(pool)
        ],
        sessions=[PooledReceivingOut.of(r) for r in selectors.receivings(pool)],
        leftovers=[LeftoverOut(name=n, units=u) for n, u in selectors.federation_leftovers(pool)],
    )  # fmt: skip


@router.get(
    "/{slug:slug}/pooled-rounds/{pool_id}/receiving",
    response={200: PooledReceivingStateOut, **problem_responses()},
)
def get_pooled_receiving(request: HttpRequest, slug: str, pool_id: Id) -> PooledReceivingStateOut:
    """What the federation expects of each product, and what it recorded as arriving."""
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=caller(request))
    return _receiving_state(pool)


@router.post(
    "/{slug:slug}/pooled-rounds/{pool_id}/receiving",
    response={201: PooledReceivingOut, **problem_responses()},
)
@idempotent
def record_pooled_receiving(
    request: HttpRequest, slug: str, pool_id: Id, payload: PooledReceivingIn
) -> Status[PooledReceivingOut]:
    """Record what reached the federation (its coordinators): units, the invoice price per unit
    (members are charged at it) and any substitute (named on every group's pick list and bag). A
    shortfall is shared over every group's members by the round's rule, extra units go to unmet
    demand and the rest is the federation's leftover; every book is corrected, in one
    transaction. Only before any group receives its drop (409 after; 422 naming the field, such
    as `lines[i].product_id` for a product not in the order). A retry with the same
    Idempotency-Key records nothing more."""
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=caller(request))
    key = hashlib.sha256(ledger_key(request).encode()).hexdigest()
    done = receiving.pooled_round_receive(
        pool=pool, actor=caller(request), key=key, note=payload.note,
        lines=[
            ReceivedLine(x.product_id, x.units_received, x.invoice_unit_price, x.substitute_name)
            for x in payload.lines
        ],
    )  # fmt: skip
    return Status(201, PooledReceivingOut.of(done.receiving))


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


def _money_runner(request: HttpRequest, fed_slug: str) -> Federation:
    """The federation's coordinators and treasurer; a token limited to a group reaches none."""
    token = principal(request).token
    if token is not None and token.group_id is not None:
        raise Http404(_("There is no federation at this address."))
    return federation_for_runner(
        slug=fed_slug, user=caller(request), roles=(Role.COORDINATOR, Role.TREASURER)
    )


@router.get("/{fed_slug}/balances", response={200: FederationBalancesOut, **problem_responses()})
def federation_balances(request: HttpRequest, fed_slug: str) -> FederationBalancesOut:
    """What each group owes the federation, and what it owes each pooled round's supplier."""
    federation = _money_runner(request, fed_slug)
    return FederationBalancesOut(
        currency=federation.book.currency,
        groups=[
            GroupOwesOut(group=d.group.slug, name=d.group.name, owed=d.owed)
            for d in federation_selectors.group_debts(federation)
        ],
        suppliers=[
            SupplierOwedOut(supplier_id=d.supplier.pk, name=d.supplier.name, owed=d.owed)
            for d in selectors.supplier_debts(federation)
        ],
    )


@router.get("/{fed_slug}/report", response={200: FederationReportOut, **problem_responses()})
def federation_report(request: HttpRequest, fed_slug: str) -> FederationReportOut:
    """The federation's report: its last closed pooled rounds (newest first) and each group's
    totals over every one, from the figures kept at close; per group, never a basket."""
    federation = _money_runner(request, fed_slug)
    rounds = report.federation_pool_rounds(federation=federation)
    groups = report.federation_pool_groups(federation=federation)
    return FederationReportOut(
        currency=federation.book.currency,
        rounds=[
            FederationReportRoundOut(
                pool_id=r.pool_id,
                name=r.name,
                closed_at=r.closed_at,
                supplier=r.supplier,
                groups=r.groups,
                members_receiving=r.members_receiving,
                goods=r.goods,
                delivery=r.delivery,
                pooling_saving=r.pooling_saving,
                extra_cases=r.extra_cases,
            )
            for r in rounds
        ],
        groups=[
            FederationReportGroupOut(
                group=g.slug,
                name=g.name,
                rounds=g.rounds,
                goods=g.goods,
                delivery=g.delivery,
                spend=g.spend,
                pooling_saving=g.pooling_saving,
                extra_cases=g.extra_cases,
            )
            for g in groups
        ],
    )


@router.post(
    "/{fed_slug}/supplier-payments",
    response={201: FederationSupplierPaymentOut, **problem_responses()},
)
@idempotent
def record_federation_supplier_payment(
    request: HttpRequest, fed_slug: str, payload: FederationSupplierPaymentIn
) -> Status[FederationSupplierPaymentOut]:
    """The federation paid a pooled round's supplier from its bank or cash box: what it owes the
    supplier goes down (its coordinators and treasurer)."""
    federation = _money_runner(request, fed_slug)
    supplier = Supplier.objects.filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise PooledError(_("The federation owes this supplier nothing yet."), field="supplier_id")
    try:
        posted = federation_supplier_payment_record(
            federation=federation, supplier=supplier, amount=payload.amount,
            method=payload.method, actor=caller(request), idempotency_key=ledger_key(request),
            reference=payload.reference,
        )  # fmt: skip
    except PooledError as error:
        if error.field == "supplier":
            raise PooledError(error.message, field="supplier_id") from None
        raise
    owed = next(
        (d.owed for d in selectors.supplier_debts(federation) if d.supplier.pk == supplier.pk),
        Decimal("0.00"),
    )
    out = FederationSupplierPaymentOut(
        transaction_id=posted.pk, supplier_id=supplier.pk, supplier=supplier.name,
        amount=payload.amount, owed=owed,
    )  # fmt: skip
    return Status(201, out)
