"""Tenders through the API, mounted at /tenders.

Organisers create, fill, invite, publish, award and confirm; invited suppliers' users submit,
revise and withdraw their own bid and read only their own; members read their expected saving and
opt in. Before the deadline no endpoint returns a bid's content except to its own supplier: the
organiser's view has `bid_count` only, and the award reads bids through
`selectors.bids_for_award`, which refuses until the deadline.
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller, principal, within_token_group
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.federations.permissions import coordinated_member_groups, federation_for_runner
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.tenders import selectors, services
from coopbuy.tenders.api_schemas import (
    BidIn,
    ConfirmIn,
    DemandIn,
    InviteIn,
    ItemIn,
    ItemOut,
    OwnBidOut,
    ReasonIn,
    SavingOut,
    TenderDetailOut,
    TenderIn,
    TenderInvitationOut,
    TenderOut,
)
from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit, bid_withdraw
from coopbuy.tenders.confirmation import expected_saving, tender_confirm, tender_opt_in
from coopbuy.tenders.demand import DemandFilter, tender_prefill
from coopbuy.tenders.models import Tender, TenderOptIn
from coopbuy.tenders.permissions import (
    AFTER_AWARD,
    is_organiser,
    member_membership,
    owner_groups,
    tender_for_member,
    tender_for_organiser,
    tender_for_supplier,
)

router = Router(tags=["tenders"])


def _in_scope(request: HttpRequest, tender: Tender) -> Tender:
    """A token limited to one group sees only that group's own tenders (not a federation's)."""
    token = principal(request).token
    if token is not None and token.group_id is not None and tender.group_id != token.group_id:
        raise Http404(_("There is no tender at this address."))
    return tender


def _organised(request: HttpRequest, tender_id: int) -> Tender:
    return _in_scope(request, tender_for_organiser(tender_id=tender_id, user=caller(request)))


def _bidder(request: HttpRequest, tender_id: int, supplier_id: int) -> tuple[Tender, Supplier]:
    tender, supplier = tender_for_supplier(
        tender_id=tender_id, supplier_id=supplier_id, user=caller(request)
    )
    return _in_scope(request, tender), supplier


def _membered(request: HttpRequest, tender_id: int) -> tuple[Tender, Membership]:
    tender, membership = tender_for_member(tender_id=tender_id, user=caller(request))
    return _in_scope(request, tender), membership


def _detail(tender: Tender) -> TenderDetailOut:
    base = TenderOut.of(tender)
    return TenderDetailOut(
        **base.model_dump(),
        items=[ItemOut.of(i) for i in tender.items.all()],
        invited_supplier_ids=list(tender.invitations.values_list("supplier_id", flat=True)),
        bid_count=selectors.bid_count(tender),
        result=selectors.published_result(tender),
    )


@router.get("/mine", response={200: Page[TenderOut], **problem_responses()})
def my_tenders(request: HttpRequest, paging: Query[Paging]) -> Page[TenderOut]:
    """The tenders the caller organises."""
    return paginate(
        request,
        within_token_group(request, selectors.tenders_for_organiser(caller(request)), "group_id"),
        paging,
        TenderOut.of,
    )


@router.get("/invitations", response={200: Page[TenderInvitationOut], **problem_responses()})
def my_invitations(request: HttpRequest, paging: Query[Paging]) -> Page[TenderInvitationOut]:
    """Published tenders the suppliers the caller acts for are invited to."""
    return paginate(
        request,
        within_token_group(
            request, selectors.invitations_for_user(caller(request)), "tender__group_id"
        ),
        paging,
        lambda i: TenderInvitationOut(
            tender=TenderOut.of(i.tender), supplier_id=i.supplier_id, supplier_name=i.supplier.name
        ),
    )


@router.post("", response={201: TenderDetailOut, **problem_responses()})
@idempotent
def create_tender(request: HttpRequest, payload: TenderIn) -> Status[TenderDetailOut]:
    """Draft a tender for a federation or a group you coordinate."""
    user = caller(request)
    if bool(payload.federation_slug) == bool(payload.group_slug):
        raise services.TenderError(
            _("Name one owner: a federation or a group."), field="federation_slug"
        )
    federation = group = None
    if payload.federation_slug:
        federation = federation_for_runner(slug=payload.federation_slug, user=user)
    else:
        group, _membership = group_for_coordinator(slug=payload.group_slug or "", user=user)
    fields = services.TenderFields(
        title=payload.title, deadline=payload.deadline, description=payload.description,
        delivery_points=payload.delivery_points, delivery_from=payload.delivery_from,
        delivery_until=payload.delivery_until, split=payload.split, criteria=payload.criteria,
        max_weight_sum=payload.max_weight_sum,
    )  # fmt: skip
    tender = services.tender_create(actor=user, fields=fields, federation=federation, group=group)
    return Status(201, _detail(tender))


@router.get("/{int:tender_id}", response={200: TenderDetailOut, **problem_responses()})
def get_tender(request: HttpRequest, tender_id: int) -> TenderDetailOut:
    """A tender you organise: its items, who is invited, how many bids (never their content)."""
    return _detail(_organised(request, tender_id))


@router.post("/{int:tender_id}/items", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def save_item(request: HttpRequest, tender_id: int, payload: ItemIn) -> TenderDetailOut:
    """Add an item to a draft, or change the item with this code."""
    tender = _organised(request, tender_id)
    services.tender_item_save(
        tender=tender, actor=caller(request), item=services.ItemInput(**payload.model_dump())
    )
    return _detail(tender)


@router.post("/{int:tender_id}/prefill", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def prefill(request: HttpRequest, tender_id: int, payload: DemandIn) -> TenderDetailOut:
    """Fill a draft's items from the owner's groups' last rounds and their members' registered
    interest (open pledges in the groups' open campaigns); each item gives both parts
    (`from_rounds`, `from_interest`) beside its editable `quantity`."""
    tender = _organised(request, tender_id)
    tender_prefill(tender=tender, actor=caller(request), spec=DemandFilter(**payload.model_dump()))
    return _detail(tender)


@router.post("/{int:tender_id}/invitations", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def invite(request: HttpRequest, tender_id: int, payload: InviteIn) -> TenderDetailOut:
    """Invite a supplier of one of the owner's groups (it needs a supplier user)."""
    tender = _organised(request, tender_id)
    groups = [g.pk for g in owner_groups(tender)]
    supplier = Supplier.objects.filter(pk=payload.supplier_id, group_id__in=groups).first()
    if supplier is None:
        raise services.TenderError(
            _("Choose a supplier of the tender's groups."), field="supplier_id"
        )
    services.tender_invite(tender=tender, actor=caller(request), supplier=supplier)
    return _detail(tender)


@router.post("/{int:tender_id}/publish", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def publish(request: HttpRequest, tender_id: int) -> TenderDetailOut:
    tender = _organised(request, tender_id)
    return _detail(services.tender_publish(tender=tender, actor=caller(request)))


@router.post("/{int:tender_id}/award", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def award(request: HttpRequest, tender_id: int) -> TenderDetailOut:
    """Open the bids after the deadline and award by the tender contract; publish the result."""
    tender = _organised(request, tender_id)
    return _detail(services.tender_award(tender=tender, actor=caller(request)))


@router.post("/{int:tender_id}/confirm", response={200: TenderDetailOut, **problem_responses()})
@idempotent
def confirm(request: HttpRequest, tender_id: int, payload: ConfirmIn) -> TenderDetailOut:
    """Confirm the award: the winning bids become catalogues for the next (pooled) round."""
    user = caller(request)
    tender = _organised(request, tender_id)
    group = None
    if tender.federation is not None and payload.group_slug:
        mine = coordinated_member_groups(federation=tender.federation, user=user)
        group = next((g for g in mine if g.slug == payload.group_slug), None)
        if group is None:
            raise services.TenderError(
                _("Choose one of the federation's groups you coordinate."), field="group_slug"
            )
    tender_confirm(tender=tender, actor=user, group=group)
    return _detail(Tender.objects.get(pk=tender.pk))


@router.post(
    "/{int:tender_id}/not-confirmed", response={200: TenderDetailOut, **problem_responses()}
)
@idempotent
def not_confirmed(request: HttpRequest, tender_id: int, payload: ReasonIn) -> TenderDetailOut:
    """Record why the award is not confirmed."""
    tender = _organised(request, tender_id)
    return _detail(
        services.tender_not_confirm(tender=tender, actor=caller(request), reason=payload.reason)
    )


@router.get("/{int:tender_id}/result", response={200: TenderDetailOut, **problem_responses()})
def result(request: HttpRequest, tender_id: int) -> TenderDetailOut:
    """The published award: for its organisers, invited suppliers and the owner's members."""
    user = caller(request)
    tender = Tender.objects.select_related("federation", "group").filter(pk=tender_id).first()
    allowed = tender is not None and (
        is_organiser(tender=tender, user=user)
        or tender.invitations.filter(
            supplier__users__user=user, supplier__users__ended_at__isnull=True
        ).exists()
        or member_membership(tender=tender, user=user) is not None
    )
    if tender is None or not allowed or tender.status not in AFTER_AWARD:
        raise Http404(_("There is no published award at this address."))
    return _detail(_in_scope(request, tender))


def _bid_input(payload: BidIn) -> BidInput:
    return BidInput(
        lines=[
            LineInput(
                p.item, p.unit_price, p.capacity, [(t.min_quantity, t.unit_price) for t in p.tiers]
            )
            for p in payload.prices
        ],
        delivery_fee=payload.delivery_fee,
        min_order_value=payload.min_order_value,
        valid_until=payload.valid_until,
        criteria=dict(payload.criteria),
        note=payload.note,
    )


@router.get(
    "/{int:tender_id}/bids/{int:supplier_id}", response={200: OwnBidOut, **problem_responses()}
)
def own_bid(request: HttpRequest, tender_id: int, supplier_id: int) -> OwnBidOut:
    """Your supplier's own bid (its latest revision); nobody else's."""
    tender, supplier = _bidder(request, tender_id, supplier_id)
    return OwnBidOut.of(*selectors.own_bid(tender=tender, supplier=supplier))


@router.put(
    "/{int:tender_id}/bids/{int:supplier_id}", response={200: OwnBidOut, **problem_responses()}
)
def submit_bid(request: HttpRequest, tender_id: int, supplier_id: int, payload: BidIn) -> OwnBidOut:
    """Submit your supplier's bid, or revise it (a new revision; the latest counts)."""
    tender, supplier = _bidder(request, tender_id, supplier_id)
    bid_submit(tender=tender, supplier=supplier, actor=caller(request), data=_bid_input(payload))
    return OwnBidOut.of(*selectors.own_bid(tender=tender, supplier=supplier))


@router.post(
    "/{int:tender_id}/bids/{int:supplier_id}/withdraw",
    response={200: OwnBidOut, **problem_responses()},
)
@idempotent
def withdraw_bid(request: HttpRequest, tender_id: int, supplier_id: int) -> OwnBidOut:
    tender, supplier = _bidder(request, tender_id, supplier_id)
    bid_withdraw(tender=tender, supplier=supplier, actor=caller(request))
    return OwnBidOut.of(*selectors.own_bid(tender=tender, supplier=supplier))


@router.get("/{int:tender_id}/saving", response={200: SavingOut, **problem_responses()})
def saving(request: HttpRequest, tender_id: int) -> SavingOut:
    """Your expected saving: your past purchases of the awarded items at the awarded prices."""
    tender, membership = _membered(request, tender_id)
    opted = TenderOptIn.objects.filter(tender=tender, membership=membership).exists()
    return SavingOut.of(expected_saving(tender=tender, user=caller(request)), opted)


@router.post("/{int:tender_id}/opt-in", response={200: SavingOut, **problem_responses()})
@idempotent
def opt_in(request: HttpRequest, tender_id: int) -> SavingOut:
    """Opt in to order at the confirmed tender's prices (recorded once)."""
    tender, membership = _membered(request, tender_id)
    tender_opt_in(tender=tender, membership=membership)
    return SavingOut.of(expected_saving(tender=tender, user=caller(request)), True)
