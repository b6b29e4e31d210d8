"""The groups area of the API (/api/v1/groups/…, /api/v1/invitations/…).

Each handler parses with a Schema, gets the group through `coopbuy.groups.permissions` (the helpers
the web pages use), calls one service, and returns an output Schema. Every POST honours
`Idempotency-Key` (`@idempotent`). Other areas copy this file's shape.
"""

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, cast

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.api.auth import caller, principal, public, within_token_group
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Ok, Page, Paging, PersonOut
from coopbuy.audit.selectors import audit_events_for_group
from coopbuy.core.geo.gazetteer import Location
from coopbuy.errors import UserFacingError
from coopbuy.groups import invitations, join_requests, memberships, selectors, services
from coopbuy.groups.api_schemas import (
    INVITATION_CODE,
    ActivityOut,
    DeliveryOut,
    GroupCreateIn,
    GroupDetailOut,
    GroupListingOut,
    GroupOut,
    GroupSearch,
    GroupUpdateIn,
    Id,
    InvitationIn,
    InvitationOut,
    InvitationPreviewOut,
    JoinRequestIn,
    JoinRequestOut,
    MemberFilter,
    MemberOut,
    MembershipOut,
    MyGroupOut,
    Role,
    RoleIn,
)
from coopbuy.groups.delivery import DeliveryDetails, delivery_of, group_set_delivery
from coopbuy.groups.directory import DEFAULT_WITHIN_KM, DirectorySearch, directory
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.groups.permissions import (
    group_for_coordinator,
    group_for_member,
    group_for_member_list,
    group_for_viewer,
    member_in_group,
)

router = Router(tags=["groups"])
invitations_router = Router(tags=["groups"])

# Groups ------------------------------------------------------------------------------------------


@router.get("/mine", response={200: Page[MyGroupOut], **problem_responses()})
def my_groups(request: HttpRequest, paging: Query[Paging]) -> Page[MyGroupOut]:
    """The groups I belong to, with my role in each."""
    rows = within_token_group(
        request, selectors.memberships_for_user(user=caller(request)), "group_id"
    )
    return paginate(
        request,
        rows,
        paging,
        lambda m: MyGroupOut(
            group=GroupOut.of(m.group, m.member_count), role=m.role, joined_at=m.joined_at
        ),
    )


@router.get("", response={200: Page[GroupListingOut], **problem_responses()}, **public())
def public_groups(
    request: HttpRequest, search: Query[GroupSearch], paging: Query[Paging]
) -> Page[GroupListingOut]:
    """Public groups anyone may find, nearest first from a postcode, a place, coordinates or my
    home (`near`), within `within_km`; filtered by what they buy, how often they order and
    whether they take new members. Without a point to search from, by name.

    Postcodes and places are looked up offline (contains OS data © Crown copyright and database
    right; place names from GeoNames, CC BY 4.0)."""
    token = principal(request).token
    listings = directory(
        DirectorySearch(
            origin=_origin(search, principal(request).user),
            within_km=search.within_km or DEFAULT_WITHIN_KM,
            q=search.q.strip(),
            category=search.category.strip(),
            supplier=search.supplier.strip(),
            every=search.every or "",
            taking_members=search.taking_members,
            group_id=token.group_id if token is not None else None,
        )
    )
    return paginate(
        request,
        listings,
        paging,
        lambda item: GroupListingOut(
            **GroupOut.of(item.group, item.member_count).model_dump(),
            distance_km=_km(item.distance_km),
            categories=item.categories,
            suppliers=item.suppliers,
            every_weeks=item.every_weeks,
            taking_members=item.taking_members,
        ),
    )


def _origin(search: GroupSearch, user: User | AnonymousUser) -> Location | None:
    """The one point the search is made from, or None; a clear error naming the field."""
    given = [
        name
        for name, present in (
            ("postcode", bool(search.postcode.strip())),
            ("place", bool(search.place.strip())),
            ("lat", search.lat is not None or search.lon is not None),
            ("near", search.near),
        )
        if present
    ]
    if len(given) > 1:
        raise UserFacingError(
            _("Search from one place: give postcode, place, lat and lon, or near (not %(both)s).")
            % {"both": " and ".join(given)},
            field=given[1],
        )
    if not given:
        if search.within_km is not None:
            raise UserFacingError(
                _("within_km needs a point to measure from: give postcode, place, or lat and lon."),
                field="within_km",
            )
        return None
    if given[0] == "postcode":
        return places.geocode(search.postcode, field="postcode", only="postcode")
    if given[0] == "place":
        return places.geocode(search.place, field="place", only="place")
    if given[0] == "lat":
        if search.lat is None or search.lon is None:
            raise UserFacingError(
                places.both_or_neither(), field="lon" if search.lon is None else "lat"
            )
        return places.point(search.lat, search.lon)
    home = _home_of(user)
    return places.point(float(home[0]), float(home[1]), field="near")


def _home_of(user: User | AnonymousUser) -> tuple[Decimal, Decimal]:
    if not isinstance(user, User):
        raise UserFacingError(_("Sign in to search near your home place."), field="near")
    if user.home_latitude is None or user.home_longitude is None:
        raise UserFacingError(
            _("Set your home place (PATCH /me with home_place, a postcode or a town) first."),
            field="near",
        )
    return user.home_latitude, user.home_longitude


def _km(distance: float | None) -> float | None:
    return None if distance is None else round(distance, 1)


@router.post("", response={201: GroupDetailOut, **problem_responses()})
@idempotent
def create_group(request: HttpRequest, payload: GroupCreateIn) -> Status[GroupDetailOut]:
    """Start a group; I become its first coordinator."""
    group = services.group_create(creator=caller(request), **payload.model_dump())
    return Status(201, GroupDetailOut(**GroupOut.of(group, 1).model_dump(), my_role="coordinator"))


@router.get("/{slug:slug}", response={200: GroupDetailOut, **problem_responses()}, **public())
def get_group(request: HttpRequest, slug: str) -> GroupDetailOut:
    """A public group, or a private one I belong to (others are not found)."""
    group, membership = group_for_viewer(slug=slug, user=principal(request).user)
    role = cast(Role, membership.role) if membership else None
    return GroupDetailOut(
        **GroupOut.of(group).model_dump(),
        my_role=role,
        delivery=_delivery(group) if membership else None,
    )


def _delivery(group: BuyingGroup) -> DeliveryOut:
    return DeliveryOut(**asdict(delivery_of(group)))


@router.patch("/{slug:slug}", response={200: GroupDetailOut, **problem_responses()})
def update_group(request: HttpRequest, slug: str, payload: GroupUpdateIn) -> GroupDetailOut:
    """Change a group's settings (coordinators)."""
    group, membership = group_for_coordinator(slug=slug, user=caller(request))
    names = ("name", "description", "place", "latitude", "longitude", "visibility", "join_policy")
    values = {name: getattr(group, name) for name in names}
    delivery = asdict(delivery_of(group))
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name.startswith("delivery_"):
            delivery[name.removeprefix("delivery_")] = value or ""  # null or "" clears
        elif value is not None or name in {"latitude", "longitude"}:  # null clears coordinates
            values[name] = value
    with transaction.atomic():  # both or neither
        group_set_delivery(group=group, actor=caller(request), details=DeliveryDetails(**delivery))
        group = services.group_update(group=group, actor=caller(request), **values)
    return GroupDetailOut(
        **GroupOut.of(group).model_dump(),
        my_role=cast(Role, membership.role),
        delivery=_delivery(group),
    )


@router.post("/{slug:slug}/join", response={201: MembershipOut, **problem_responses()})
@idempotent
def join_group(request: HttpRequest, slug: str) -> Status[MembershipOut]:
    """Join an open group directly (groups by approval take a join request instead)."""
    group, _membership = group_for_viewer(slug=slug, user=caller(request))
    membership = memberships.group_join(group=group, user=caller(request))
    return Status(201, MembershipOut.of(membership))


@router.post("/{slug:slug}/leave", response={200: Ok, **problem_responses()})
@idempotent
def leave_group(request: HttpRequest, slug: str) -> Ok:
    """Leave a group: the membership ends, its history stays (its only coordinator must hand over
    first). Refused (409) while a round you ordered in is unsettled or your balance is not zero;
    an open round's basket is emptied."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    memberships.membership_leave(membership=membership, user=caller(request))
    return Ok()


@router.get("/{slug:slug}/activity", response={200: Page[ActivityOut], **problem_responses()})
def group_activity(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[ActivityOut]:
    """Every change to membership, roles and invitations, newest first (coordinators)."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    return paginate(
        request,
        audit_events_for_group(group=group).order_by("-created_at", "-pk"),
        paging,
        lambda e: ActivityOut(
            id=e.pk,
            at=e.created_at,
            actor=PersonOut.of(e.actor) if e.actor else None,
            action=e.action,
            summary=e.summary,
        ),
    )


# Members -----------------------------------------------------------------------------------------


@router.get("/{slug:slug}/members", response={200: Page[MemberOut], **problem_responses()})
def list_members(
    request: HttpRequest, slug: str, filters: Query[MemberFilter], paging: Query[Paging]
) -> Page[MemberOut]:
    """The group's members, coordinators first, or only those with one `role` (members)."""
    group, _membership = group_for_member_list(slug=slug, user=caller(request))
    rows = selectors.members_of_group(group=group)
    if filters.role is not None:
        rows = rows.filter(role=filters.role)
    return paginate(request, rows, paging, MemberOut.of)


def _member(group: BuyingGroup, membership_id: int) -> Membership:
    return member_in_group(group=group, membership_id=membership_id)


@router.patch(
    "/{slug:slug}/members/{int:membership_id}", response={200: MemberOut, **problem_responses()}
)
def change_role(request: HttpRequest, slug: str, membership_id: Id, payload: RoleIn) -> "MemberOut":
    """Change a member's role (coordinators); a group always keeps a coordinator."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    target = memberships.membership_change_role(
        membership=_member(group, membership_id), actor=caller(request), role=payload.role
    )
    return MemberOut.of(target)


@router.delete(
    "/{slug:slug}/members/{int:membership_id}", response={200: Ok, **problem_responses()}
)
def remove_member(request: HttpRequest, slug: str, membership_id: Id) -> Ok:
    """Remove someone from the group (coordinators): the membership ends, its history stays.
    Refused (409) while a round they ordered in is unsettled or their balance is not zero (settle,
    refund, or write it off: POST .../members/{membership_id}/write-off)."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    memberships.membership_remove(membership=_member(group, membership_id), actor=caller(request))
    return Ok()


# Invitations -------------------------------------------------------------------------------------


@router.get("/{slug:slug}/invitations", response={200: Page[InvitationOut], **problem_responses()})
def list_invitations(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[InvitationOut]:
    """Invitations of the group, newest first (coordinators)."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    rows = selectors.invitations_of_group(group=group)
    return paginate(request, rows, paging, lambda i: InvitationOut.of(request, i))


@router.post("/{slug:slug}/invitations", response={201: InvitationOut, **problem_responses()})
@idempotent
def create_invitation(
    request: HttpRequest, slug: str, payload: InvitationIn
) -> Status[InvitationOut]:
    """Invite one person by email, or make a shareable link (coordinators)."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    invitation = invitations.invitation_create(
        group=group,
        actor=caller(request),
        email=payload.email,
        role=payload.role,
        days_valid=payload.days_valid,
        max_uses=payload.max_uses,
    )
    return Status(201, InvitationOut.of(request, invitation))


@router.post(
    "/{slug:slug}/invitations/{int:invitation_id}/revoke",
    response={200: InvitationOut, **problem_responses()},
)
@idempotent
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: Id) -> "InvitationOut":
    """Stop an invitation from working (coordinators). Revoking twice changes nothing."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    invitation = get_object_or_404(Invitation, pk=invitation_id, group=group)
    return InvitationOut.of(
        request, invitations.invitation_revoke(invitation=invitation, actor=caller(request))
    )


@invitations_router.get(
    "/{code}", response={200: InvitationPreviewOut, **problem_responses()}, **public()
)
def preview_invitation(
    request: HttpRequest, code: Annotated[str, Path(pattern=INVITATION_CODE)]
) -> InvitationPreviewOut:
    """Where an invitation's code leads, before accepting it: the group and the role it gives.

    Anyone holding the code may look (as with the link on the web); a revoked, expired or used-up
    invitation is a 409 that says why, an unknown code a 404.
    """
    found = Invitation.objects.select_related("group").filter(code=code).first()
    problem = invitations.invitation_problem(found)
    if found is None:
        raise Http404(problem)
    if problem:
        raise UserFacingError(problem)
    user = principal(request).user
    return InvitationPreviewOut(
        group=GroupOut.of(found.group),
        role=cast(Role, found.role),
        expires_at=found.expires_at,
        already_member=user.is_authenticated
        and Membership.objects.active().filter(group=found.group, user_id=user.pk).exists(),
    )


@invitations_router.post("/{code}/accept", response={201: MembershipOut, **problem_responses()})
@idempotent
def accept_invitation(
    request: HttpRequest, code: Annotated[str, Path(pattern=INVITATION_CODE)]
) -> Status[MembershipOut]:
    """Join a group with an invitation's code (the last part of its link)."""
    membership = invitations.invitation_accept(code=code, user=caller(request))
    return Status(201, MembershipOut.of(membership))


# Join requests -----------------------------------------------------------------------------------


@router.get(
    "/{slug:slug}/join-requests", response={200: Page[JoinRequestOut], **problem_responses()}
)
def list_join_requests(
    request: HttpRequest, slug: str, paging: Query[Paging]
) -> Page[JoinRequestOut]:
    """Requests waiting for an answer, oldest first (coordinators)."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    rows = selectors.pending_join_requests(group=group)
    return paginate(request, rows, paging, JoinRequestOut.of)


@router.post("/{slug:slug}/join-requests", response={201: JoinRequestOut, **problem_responses()})
@idempotent
def request_to_join(
    request: HttpRequest, slug: str, payload: JoinRequestIn
) -> Status[JoinRequestOut]:
    """Ask to join a group that admits by approval; its coordinators are told by email."""
    group, _membership = group_for_viewer(slug=slug, user=caller(request))
    join_request = join_requests.join_request_create(
        group=group, user=caller(request), message=payload.message
    )
    return Status(201, JoinRequestOut.of(join_request))


@router.post(
    "/{slug:slug}/join-requests/mine/withdraw",
    response={200: JoinRequestOut, **problem_responses()},
)
@idempotent
def withdraw_join_request(request: HttpRequest, slug: str) -> "JoinRequestOut":
    """Withdraw my pending request to join."""
    group, _membership = group_for_viewer(slug=slug, user=caller(request))
    join_request = selectors.pending_request_of(group=group, user=caller(request))
    if join_request is None:
        raise Http404(_("You have no open request for this group."))
    return JoinRequestOut.of(
        join_requests.join_request_withdraw(join_request=join_request, user=caller(request))
    )


def _decide(request: HttpRequest, slug: str, request_id: int, approve: bool) -> "JoinRequestOut":
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "group"), pk=request_id, group=group
    )
    decided = join_requests.join_request_decide(
        join_request=join_request, actor=caller(request), approve=approve
    )
    return JoinRequestOut.of(decided)


@router.post(
    "/{slug:slug}/join-requests/{int:request_id}/approve",
    response={200: JoinRequestOut, **problem_responses()},
)
@idempotent
def approve_join_request(request: HttpRequest, slug: str, request_id: Id) -> "JoinRequestOut":
    """Approve a pending request: the person becomes a member (coordinators)."""
    return _decide(request, slug, request_id, approve=True)


@router.post(
    "/{slug:slug}/join-requests/{int:request_id}/decline",
    response={200: JoinRequestOut, **problem_responses()},
)
@idempotent
def decline_join_request(request: HttpRequest, slug: str, request_id: Id) -> "JoinRequestOut":
    """Decline a pending request (coordinators)."""
    return _decide(request, slug, request_id, approve=False)
