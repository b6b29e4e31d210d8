"""Groups and memberships through the services: the rules a coordinator relies on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.errors import UserFacingError
from coopbuy.groups import invitations, memberships, services
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def test_group_create_makes_the_creator_its_coordinator_and_records_it() -> None:
    alex = make_user("Alex")
    group = services.group_create(
        creator=alex,
        name="Hebden Bulk Buyers",
        place="Hebden Bridge",
        latitude=Decimal("53.74"),
        longitude=Decimal("-2.01"),
    )
    assert group.slug == "hebden-bulk-buyers"
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role) == (alex, "coordinator")
    assert AuditEvent.objects.filter(group=group, action="group.created", actor=alex).exists()


def test_group_create_refuses_a_taken_address_naming_the_field() -> None:
    make_group(name="Leith Larder")
    with pytest.raises(UserFacingError) as error:
        make_group(name="Leith Larder")
    assert error.value.field == "slug"
    assert "taken" in error.value.message
    assert BuyingGroup.objects.count() == 1


def test_group_create_refuses_half_a_location() -> None:
    with pytest.raises(UserFacingError) as error:
        make_group(latitude=Decimal("53.7"))
    assert error.value.field == "longitude"
    assert not BuyingGroup.objects.exists()


def test_group_create_refuses_reserved_addresses() -> None:
    with pytest.raises(UserFacingError, match="reserved"):
        make_group(name="New", slug="new")


def test_the_last_coordinator_cannot_be_demoted() -> None:
    group = make_group()
    only = Membership.objects.get(group=group)
    with pytest.raises(UserFacingError, match="only coordinator"):
        memberships.membership_change_role(membership=only, actor=only.user, role="member")
    only.refresh_from_db()
    assert only.role == "coordinator"


def test_the_last_coordinator_cannot_leave_but_can_after_naming_another() -> None:
    group = make_group()
    first = Membership.objects.get(group=group)
    with pytest.raises(UserFacingError, match="only coordinator"):
        memberships.membership_leave(membership=first, user=first.user)
    second = add_member(group)
    memberships.membership_change_role(membership=second, actor=first.user, role="coordinator")
    memberships.membership_leave(membership=first, user=first.user)
    assert list(Membership.objects.active().filter(group=group).values_list("user", "role")) == [
        (second.user_id, "coordinator")
    ]
    first.refresh_from_db()
    assert (first.end_reason, first.ended_by) == ("left", first.user)
    assert AuditEvent.objects.filter(group=group, action="membership.left").exists()


def test_role_change_is_written_to_the_audit_log_with_who_and_what() -> None:
    group = make_group()
    coordinator = Membership.objects.get(group=group).user
    member = add_member(group)
    memberships.membership_change_role(membership=member, actor=coordinator, role="treasurer")
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert (event.actor, event.subject, event.group) == (coordinator, member.user, group)
    assert event.data == {"from": "member", "to": "treasurer"}


def test_a_member_cannot_change_roles() -> None:
    group = make_group()
    member = add_member(group)
    other = add_member(group)
    with pytest.raises(AccessDenied):
        memberships.membership_change_role(membership=other, actor=member.user, role="coordinator")
    other.refresh_from_db()
    assert other.role == "member"


def test_a_coordinator_of_group_a_can_do_nothing_to_group_b() -> None:
    group_a, group_b = make_group(), make_group()
    coordinator_a = Membership.objects.get(group=group_a).user
    member_b = add_member(group_b)
    calls = [
        lambda: memberships.membership_change_role(
            membership=member_b, actor=coordinator_a, role="coordinator"
        ),
        lambda: memberships.membership_remove(membership=member_b, actor=coordinator_a),
        lambda: invitations.invitation_create(group=group_b, actor=coordinator_a),
        lambda: services.group_update(
            group=group_b,
            actor=coordinator_a,
            name="Mine now",
            description="",
            place="",
            latitude=None,
            longitude=None,
            visibility="public",
            join_policy="open",
        ),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert Membership.objects.filter(group=group_b).count() == 2
    assert not group_b.invitations.exists()
    group_b.refresh_from_db()
    assert group_b.name != "Mine now"


def test_remove_member_ends_the_membership_and_records_it() -> None:
    group = make_group()
    coordinator = Membership.objects.get(group=group).user
    member = add_member(group)
    memberships.membership_remove(membership=member, actor=coordinator)
    member.refresh_from_db()
    assert (member.is_active, member.end_reason, member.ended_by) == (False, "removed", coordinator)
    assert not Membership.objects.active().filter(pk=member.pk).exists()
    with pytest.raises(UserFacingError, match="no longer a member"):
        memberships.membership_remove(membership=member, actor=coordinator)
    assert AuditEvent.objects.filter(action="membership.removed", subject=member.user).exists()


def test_open_group_can_be_joined_directly_but_an_approval_group_cannot() -> None:
    open_group = make_group(join_policy="open")
    approval = make_group(join_policy="approval")
    person = make_user()
    memberships.group_join(group=open_group, user=person)
    assert Membership.objects.filter(group=open_group, user=person, role="member").exists()
    with pytest.raises(UserFacingError, match="approval or an invitation"):
        memberships.group_join(group=approval, user=person)
    with pytest.raises(UserFacingError, match="already a member"):
        memberships.group_join(group=open_group, user=person)
