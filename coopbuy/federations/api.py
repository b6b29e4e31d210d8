"""The federations area of the API: the public list and one federation, and (for those who run it
or belong to it) applications, roles, shared suppliers, a group's place and markup, and the book.

Shaped like `coopbuy/campaigns/api.py`: parse with a Schema, reach the federation (or the group)
through the permission helpers the pages use, call one service, return an output Schema. A
federation the caller may not see is not found; so is every federation for a token limited to one
group, except where the group's own address is in the path.
"""

from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.accounts.models import User
from coopbuy.api.auth import caller, principal, public
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.federations import membership, selectors, services, sharing
from coopbuy.federations.api_schemas import (
    FederationAccountOut,
    FederationApplyIn,
    FederationBookOut,
    FederationCreateIn,
    FederationMarkupIn,
    FederationMembershipOut,
    FederationOut,
    FederationPaymentIn,
    FederationPaymentOut,
    FederationRefuseIn,
    FederationRoleIn,
    FederationRoleOut,
    FederationShareIn,
    FederationSupplierOut,
)
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.payments import federation_payment_from_group
from coopbuy.federations.permissions import (
    Role,
    federation_for_member,
    federation_for_public,
    federation_for_runner,
    roles_of,
    sees_every_group,
)
from coopbuy.federations.services import FederationError
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.ledger.api_router import ledger_key
from coopbuy.ledger.permissions import group_for_treasurer

router = Router(tags=["federations"])
Id = Annotated[int, Path(ge=1, le=2**62)]
RUNNERS = (Role.COORDINATOR, Role.TREASURER)


def _out(federation: Federation, request: HttpRequest) -> FederationOut:
    rows = list(selectors.member_rows(federation))
    groups = [row.group for row in rows]
    caller_, token = principal(request).user, principal(request).token
    limited = token is not None and token.group_id is not None  # sees as a stranger does
    if limited or not sees_every_group(federation=federation, user=caller_):
        groups = [g for g in groups if g.visibility == BuyingGroup.Visibility.PUBLIC]
    return FederationOut.of(federation, groups, len(rows) - len(groups))


def _not_for_a_group_token(request: HttpRequest) -> None:
    """A token limited to one group reaches no federation except through that group's address."""
    token = principal(request).token
    if token is not None and token.group_id is not None:
        raise Http404(_("There is no federation at this address."))


def _runner(
    request: HttpRequest, fed_slug: str, roles: tuple[str, ...] = (Role.COORDINATOR,)
) -> Federation:
    _not_for_a_group_token(request)
    return federation_for_runner(slug=fed_slug, user=caller(request), roles=roles)


def _member(request: HttpRequest, fed_slug: str) -> Federation:
    _not_for_a_group_token(request)
    return federation_for_member(slug=fed_slug, user=caller(request))


@router.get("", response={200: Page[FederationOut], **problem_responses()}, **public())
def list_federations(request: HttpRequest, paging: Query[Paging]) -> Page[FederationOut]:
    """Every federation, by name, with the member groups the caller may see named."""
    return paginate(request, selectors.federations_public(), paging, lambda f: _out(f, request))


@router.post("", response={201: FederationOut, **problem_responses()})
@idempotent
def create_federation(request: HttpRequest, payload: FederationCreateIn) -> Status[FederationOut]:
    """Start a federation with its own book; the caller becomes its first coordinator."""
    federation = services.federation_create(
        creator=caller(request), name=payload.name, slug=payload.slug,
        description=payload.description,
    )  # fmt: skip
    return Status(201, _out(federation, request))


@router.get("/{fed_slug}", response={200: FederationOut, **problem_responses()}, **public())
def get_federation(request: HttpRequest, fed_slug: str) -> FederationOut:
    return _out(federation_for_public(slug=fed_slug), request)


@router.get(
    "/{fed_slug}/applications",
    response={200: Page[FederationMembershipOut], **problem_responses()},
)
def list_applications(
    request: HttpRequest, fed_slug: str, paging: Query[Paging]
) -> Page[FederationMembershipOut]:
    """Groups waiting for an answer (the federation's coordinators)."""
    federation = _runner(request, fed_slug)
    rows = selectors.applications(federation).select_related("federation")
    return paginate(request, rows, paging, FederationMembershipOut.of)


def _application(federation: Federation, application_id: int) -> FederationGroup:
    row = (
        FederationGroup.objects.select_related("group", "federation")
        .filter(federation=federation, pk=application_id)
        .first()
    )
    if row is None:
        raise Http404(_("There is no such application to this federation."))
    return row


@router.post(
    "/{fed_slug}/applications/{application_id}/approve",
    response={200: FederationMembershipOut, **problem_responses()},
)
@idempotent
def approve_application(
    request: HttpRequest, fed_slug: str, application_id: Id
) -> FederationMembershipOut:
    federation = _runner(request, fed_slug)
    row = membership.federation_application_approve(
        application=_application(federation, application_id), actor=caller(request)
    )
    return FederationMembershipOut.of(row)


@router.post(
    "/{fed_slug}/applications/{application_id}/refuse",
    response={200: FederationMembershipOut, **problem_responses()},
)
@idempotent
def refuse_application(
    request: HttpRequest, fed_slug: str, application_id: Id, payload: FederationRefuseIn
) -> FederationMembershipOut:
    federation = _runner(request, fed_slug)
    row = membership.federation_application_refuse(
        application=_application(federation, application_id), actor=caller(request),
        reason=payload.reason,
    )  # fmt: skip
    return FederationMembershipOut.of(row)


@router.post(
    "/{fed_slug}/groups/{slug}/apply",
    response={201: FederationMembershipOut, **problem_responses()},
)
@idempotent
def apply(
    request: HttpRequest, fed_slug: str, slug: str, payload: FederationApplyIn
) -> Status[FederationMembershipOut]:
    """A coordinator of the group (`slug`) asks for it to join the federation."""
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    federation = federation_for_public(slug=fed_slug)
    row = membership.federation_apply(
        federation=federation, group=group, actor=caller(request), message=payload.message
    )
    return Status(201, FederationMembershipOut.of(row))


def _group_to_end(request: HttpRequest, federation: Federation, slug: str) -> BuyingGroup:
    """The group in the path: its coordinators reach it as on the group's pages; a federation
    coordinator reaches only the groups in the federation."""
    user: User = caller(request)
    if Role.COORDINATOR in roles_of(federation=federation, user=user):
        row = selectors.current_row_by_slug(federation=federation, slug=slug)
        if row is not None:
            return row.group
    group, _membership = group_for_coordinator(slug=slug, user=user)
    return group


@router.post(
    "/{fed_slug}/groups/{slug}/leave",
    response={200: FederationMembershipOut, **problem_responses()},
)
@idempotent
def leave(request: HttpRequest, fed_slug: str, slug: str) -> FederationMembershipOut:
    """The group leaves (its coordinators) or is taken out (the federation's coordinators), with
    the money between the books settled; an application not yet answered is withdrawn."""
    federation = federation_for_public(slug=fed_slug)
    group = _group_to_end(request, federation, slug)
    row = membership.federation_leave(federation=federation, group=group, actor=caller(request))
    return FederationMembershipOut.of(row)


@router.put(
    "/{fed_slug}/groups/{slug}/markup",
    response={200: FederationMembershipOut, **problem_responses()},
)
def set_markup(
    request: HttpRequest, fed_slug: str, slug: str, payload: FederationMarkupIn
) -> FederationMembershipOut:
    """The group's markup on pooled orders, a fraction from 0 to 1 (its coordinators)."""
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    federation = federation_for_public(slug=fed_slug)
    row = membership.federation_markup_set(
        federation=federation, group=group, actor=caller(request), markup_rate=payload.markup_rate
    )
    return FederationMembershipOut.of(row)


@router.post(
    "/{fed_slug}/groups/{slug}/payments",
    response={201: FederationPaymentOut, **problem_responses()},
)
@idempotent
def pay_federation(
    request: HttpRequest, fed_slug: str, slug: str, payload: FederationPaymentIn
) -> Status[FederationPaymentOut]:
    """The group (`slug`) paid the federation from its bank or cash box into the federation's
    bank: what it owes goes down in both books (the group's treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    federation = federation_for_public(slug=fed_slug)
    transfer = federation_payment_from_group(
        federation=federation, group=group, amount=payload.amount, method=payload.method,
        actor=caller(request), idempotency_key=ledger_key(request), reference=payload.reference,
    )  # fmt: skip
    owed = selectors.group_debt(federation=federation, group=group).owed
    out = FederationPaymentOut(
        transfer_id=transfer.pk, federation=federation.slug, group=group.slug,
        amount=transfer.amount, owed=owed,
    )  # fmt: skip
    return Status(201, out)


@router.get("/{fed_slug}/roles", response={200: Page[FederationRoleOut], **problem_responses()})
def list_roles(
    request: HttpRequest, fed_slug: str, paging: Query[Paging]
) -> Page[FederationRoleOut]:
    """Who runs the federation (its runners and the people of its member groups)."""
    federation = _member(request, fed_slug)
    return paginate(request, selectors.active_roles(federation), paging, FederationRoleOut.of)


@router.post("/{fed_slug}/roles", response={201: FederationRoleOut, **problem_responses()})
@idempotent
def add_role(
    request: HttpRequest, fed_slug: str, payload: FederationRoleIn
) -> Status[FederationRoleOut]:
    federation = _runner(request, fed_slug)
    role = services.federation_role_add(
        federation=federation, actor=caller(request), email=payload.email, role=payload.role
    )
    return Status(201, FederationRoleOut.of(role))


@router.post(
    "/{fed_slug}/roles/{role_id}/end", response={200: FederationRoleOut, **problem_responses()}
)
@idempotent
def end_role(request: HttpRequest, fed_slug: str, role_id: Id) -> FederationRoleOut:
    federation = _runner(request, fed_slug)
    role = (
        FederationRole.objects.select_related("user", "federation")
        .filter(federation=federation, pk=role_id, ended_at__isnull=True)
        .first()
    )
    if role is None:
        raise Http404(_("There is no such role in this federation."))
    return FederationRoleOut.of(services.federation_role_end(role=role, actor=caller(request)))


@router.get(
    "/{fed_slug}/suppliers", response={200: Page[FederationSupplierOut], **problem_responses()}
)
def list_suppliers(
    request: HttpRequest, fed_slug: str, paging: Query[Paging]
) -> Page[FederationSupplierOut]:
    """The suppliers shared now (its runners and the people of its member groups)."""
    federation = _member(request, fed_slug)
    return paginate(
        request, selectors.shared_suppliers(federation), paging, FederationSupplierOut.of
    )


@router.post("/{fed_slug}/suppliers", response={201: FederationSupplierOut, **problem_responses()})
@idempotent
def share_supplier(
    request: HttpRequest, fed_slug: str, payload: FederationShareIn
) -> Status[FederationSupplierOut]:
    """Share a supplier of a member group the caller coordinates (a federation coordinator)."""
    federation = _runner(request, fed_slug)
    supplier = Supplier.objects.select_related("group").filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise FederationError(
            _("Choose a supplier of a member group you coordinate."), field="supplier_id"
        )
    shared = sharing.federation_supplier_share(
        federation=federation, supplier=supplier, actor=caller(request)
    )
    return Status(201, FederationSupplierOut.of(shared))


@router.post(
    "/{fed_slug}/suppliers/{shared_supplier_id}/end",
    response={200: FederationSupplierOut, **problem_responses()},
)
@idempotent
def stop_sharing(
    request: HttpRequest, fed_slug: str, shared_supplier_id: Id
) -> FederationSupplierOut:
    federation = _runner(request, fed_slug)
    row = (
        Shared.objects.select_related("supplier", "supplier__group", "federation")
        .filter(federation=federation, pk=shared_supplier_id)
        .first()
    )
    if row is None:
        raise Http404(_("This federation shares no such supplier."))
    return FederationSupplierOut.of(
        sharing.federation_supplier_end(shared=row, actor=caller(request))
    )


@router.get("/{fed_slug}/book", response={200: FederationBookOut, **problem_responses()})
def book(request: HttpRequest, fed_slug: str) -> FederationBookOut:
    """The balances of the federation's book (its coordinators and treasurer)."""
    federation = _runner(request, fed_slug, RUNNERS)
    return FederationBookOut(
        currency=federation.book.currency,
        accounts=[FederationAccountOut.of(a) for a in selectors.book_accounts(federation)],
    )
