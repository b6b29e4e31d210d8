"""Every write to a buying group itself: starting one and changing its settings.

Each function is one use case in one transaction; it checks that the actor may do it (views check
too, but a service never trusts its caller), and writes an audit event beside the change. The
area's other writes live beside it: `memberships` (joining, roles, leaving), `join_requests` and
`invitations`; all of them refuse with `GroupError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.interest.services import GroupNearby, interest_notify_group_nearby

Role = Membership.Role
RESERVED_SLUGS = frozenset({"new", "mine", "find", "admin", "api", "static", "join", "account"})


class GroupError(UserFacingError):
    pass


# Groups ------------------------------------------------------------------------------------------


def _check_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> None:
    missing = places.missing_half(latitude, longitude)
    if missing:
        raise GroupError(places.both_or_neither(), field=missing)


@transaction.atomic
def group_create(
    *,
    creator: User,
    name: str,
    slug: str = "",
    description: str = "",
    place: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    currency: str = BuyingGroup.Currency.GBP,
    visibility: str = BuyingGroup.Visibility.PUBLIC,
    join_policy: str = BuyingGroup.JoinPolicy.APPROVAL,
    members_listed_to_members: bool = True,
    invited_user_ids: Sequence[int] = (),
) -> BuyingGroup:
    """Start a group; its creator becomes its first coordinator. With
    `members_listed_to_members=False` only its coordinators see who its members are. The waiting
    list nearby is told, except the people in `invited_user_ids` (the caller invites them: one
    email about the group, not two)."""
    name = name.strip()
    if not name:
        raise GroupError(_("Give the group a name."), field="name")
    slug = slugify(slug or name)[:60]
    if not slug:
        raise GroupError(_("The web address needs letters or digits."), field="slug")
    if slug in RESERVED_SLUGS:
        raise GroupError(
            _("“%(slug)s” is reserved; choose another.") % {"slug": slug}, field="slug"
        )
    _check_coordinates(latitude, longitude)
    latitude, longitude = _located(place, latitude, longitude)
    if BuyingGroup.objects.filter(slug=slug).exists():
        raise GroupError(
            _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}, field="slug"
        )
    group = BuyingGroup(
        name=name,
        slug=slug,
        description=description.strip(),
        place=place.strip(),
        latitude=latitude,
        longitude=longitude,
        currency=currency,
        visibility=visibility,
        join_policy=join_policy,
        members_listed_to_members=members_listed_to_members,
        created_by=creator,
    )
    group.full_clean()
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError as error:  # a concurrent create took the slug between check and insert
        raise GroupError(
            _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}, field="slug"
        ) from error
    Membership.objects.create(group=group, user=creator, role=Role.COORDINATOR)
    audit_record(
        action="group.created",
        summary=_("%(user)s started the group") % {"user": creator.name},
        actor=creator,
        group=group,
        subject=creator,
    )
    if _findable(group):
        _tell_waiting_list(group, "formed", exclude_user_ids=[creator.pk, *invited_user_ids])
    return group


@transaction.atomic
def group_update(
    *,
    group: BuyingGroup,
    actor: User,
    name: str,
    description: str,
    place: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    visibility: str,
    join_policy: str,
) -> BuyingGroup:
    """Change a group's public face and how people join. The address and currency stay fixed."""
    group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    require_coordinator(group=group, user=actor)  # after the group's lock (docs/adr/0005)
    _check_coordinates(latitude, longitude)
    if not name.strip():
        raise GroupError(_("Give the group a name."), field="name")
    before = {f: getattr(group, f) for f in ("name", "visibility", "join_policy")}
    was_findable = _findable(group)
    moved = place.strip() != group.place and (latitude, longitude) == (
        group.latitude,
        group.longitude,
    )  # a new place with the old point: the place wins where we know it
    latitude, longitude = _located(place, latitude, longitude, prefer_place=moved)
    group.name, group.description, group.place = name.strip(), description.strip(), place.strip()
    group.latitude, group.longitude = latitude, longitude
    group.visibility, group.join_policy = visibility, join_policy
    group.full_clean()
    group.save()
    changed = {
        f: [str(v), str(getattr(group, f))] for f, v in before.items() if v != getattr(group, f)
    }
    audit_record(
        action="group.updated",
        summary=_("%(user)s changed the group's settings") % {"user": actor.name},
        actor=actor,
        group=group,
        data={"changed": changed},
    )
    if _findable(group) and not was_findable:
        members = Membership.objects.filter(group=group).values_list("user_id", flat=True)
        _tell_waiting_list(group, "opened", exclude_user_ids=list(members))
    return group


def _located(
    place: str, latitude: Decimal | None, longitude: Decimal | None, *, prefer_place: bool = False
) -> tuple[Decimal | None, Decimal | None]:
    """The coordinates given, else (or, with `prefer_place`, rather) those of the place when it
    is a postcode or a town we know, so that the directory finds the group. A place we do not
    know ("the Calder valley") keeps the coordinates given, or none."""
    if (latitude is not None and not prefer_place) or not place.strip():
        return latitude, longitude
    try:
        return places.coordinates(places.geocode(place, field="place"))
    except UserFacingError:
        return latitude, longitude


def _findable(group: BuyingGroup) -> bool:
    """Listed in the directory with a place on the map, and taking new members."""
    return (
        group.visibility == BuyingGroup.Visibility.PUBLIC
        and group.join_policy != BuyingGroup.JoinPolicy.INVITATION
        and group.latitude is not None
        and group.longitude is not None
    )


def _tell_waiting_list(
    group: BuyingGroup, reason: Literal["formed", "opened"], *, exclude_user_ids: list[int]
) -> None:
    assert group.latitude is not None and group.longitude is not None
    interest_notify_group_nearby(
        group=GroupNearby(
            id=group.pk,
            name=group.name,
            slug=group.slug,
            place=group.place,
            latitude=Decimal(group.latitude),
            longitude=Decimal(group.longitude),
        ),
        reason=reason,
        exclude_user_ids=exclude_user_ids,
    )
