"""Invitations and join requests: the ways into a group, and the clear refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coopbuy.errors import UserFacingError
from coopbuy.groups import invitations, join_requests
from coopbuy.groups.models import Invitation, JoinRequest, Membership
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user

pytestmark = pytest.mark.django_db


def test_a_link_invitation_lets_people_join_until_its_limit(
    django_capture_on_commit_callbacks: object,
) -> None:
    group = make_group()
    link = invitations.invitation_create(group=group, actor=coordinator_of(group), max_uses=2)
    first, second, third = make_user(), make_user(), make_user()
    invitations.invitation_accept(code=link.code, user=first)
    invitations.invitation_accept(code=link.code, user=second)
    with pytest.raises(UserFacingError, match="used as many times as allowed"):
        invitations.invitation_accept(code=link.code, user=third)
    link.refresh_from_db()
    assert link.use_count == 2
    assert not Membership.objects.filter(group=group, user=third).exists()


def test_an_expired_invitation_is_refused_with_its_date() -> None:
    group = make_group()
    link = invitations.invitation_create(group=group, actor=coordinator_of(group))
    Invitation.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(days=1))
    person = make_user()
    with pytest.raises(UserFacingError, match="expired on") as error:
        invitations.invitation_accept(code=link.code, user=person)
    assert "Ask the group's coordinators for a new one" in error.value.message
    assert not Membership.objects.filter(group=group, user=person).exists()


def test_a_revoked_invitation_is_refused_with_a_clear_message() -> None:
    group = make_group()
    coordinator = coordinator_of(group)
    link = invitations.invitation_create(group=group, actor=coordinator)
    invitations.invitation_revoke(invitation=link, actor=coordinator)
    person = make_user()
    with pytest.raises(UserFacingError, match="withdrawn by the group's coordinators"):
        invitations.invitation_accept(code=link.code, user=person)
    assert not Membership.objects.filter(group=group, user=person).exists()


def test_an_unknown_code_is_refused() -> None:
    with pytest.raises(UserFacingError, match="not valid"):
        invitations.invitation_accept(code="nope", user=make_user())


def test_an_invitation_grants_the_role_it_names() -> None:
    group = make_group()
    link = invitations.invitation_create(group=group, actor=coordinator_of(group), role="treasurer")
    person = make_user()
    assert invitations.invitation_accept(code=link.code, user=person).role == "treasurer"


def test_an_email_invitation_is_single_use_and_sends_the_link(
    django_capture_on_commit_callbacks: object,
) -> None:
    group = make_group(name="Leith Larder")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        invitation = invitations.invitation_create(
            group=group, actor=coordinator_of(group), email="Neighbour@Example.org"
        )
    assert invitation.email == "neighbour@example.org"
    assert invitation.max_uses == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neighbour@example.org"]
    assert "Leith Larder" in message.subject
    assert f"http://testserver/join/{invitation.code}/" in message.body


def test_inviting_an_existing_member_by_email_is_refused() -> None:
    group = make_group()
    member = add_member(group)
    with pytest.raises(UserFacingError) as error:
        invitations.invitation_create(
            group=group, actor=coordinator_of(group), email=member.user.email
        )
    assert error.value.field == "email"


def test_invitation_validity_and_limits_are_checked() -> None:
    group = make_group()
    with pytest.raises(UserFacingError) as error:
        invitations.invitation_create(group=group, actor=coordinator_of(group), days_valid=0)
    assert error.value.field == "days_valid"
    with pytest.raises(UserFacingError) as error:
        invitations.invitation_create(group=group, actor=coordinator_of(group), max_uses=0)
    assert error.value.field == "max_uses"
    assert not Invitation.objects.exists()


def test_join_request_approved_makes_a_member_and_tells_both_sides(
    django_capture_on_commit_callbacks: object,
) -> None:
    group = make_group(name="Totnes Co-op", join_policy="approval")
    coordinator = coordinator_of(group)
    person = make_user("Ruth")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        request = join_requests.join_request_create(
            group=group, user=person, message="Near the hall"
        )
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Near the hall" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        join_requests.join_request_decide(join_request=request, actor=coordinator, approve=True)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert request.decided_by == coordinator
    assert Membership.objects.filter(group=group, user=person, role="member").exists()
    assert mail.outbox[-1].to == [person.email]
    assert "approved" in mail.outbox[-1].body


def test_join_request_declined_makes_no_member_and_cannot_be_decided_twice() -> None:
    group = make_group(join_policy="approval")
    coordinator = coordinator_of(group)
    person = make_user()
    request = join_requests.join_request_create(group=group, user=person)
    join_requests.join_request_decide(join_request=request, actor=coordinator, approve=False)
    assert not Membership.objects.filter(group=group, user=person).exists()
    with pytest.raises(UserFacingError, match="already answered"):
        join_requests.join_request_decide(join_request=request, actor=coordinator, approve=True)


def test_one_pending_request_at_a_time_and_none_for_invitation_only_groups() -> None:
    group = make_group(join_policy="approval")
    person = make_user()
    join_requests.join_request_create(group=group, user=person)
    with pytest.raises(UserFacingError, match="already asked"):
        join_requests.join_request_create(group=group, user=person)
    closed = make_group(join_policy="invitation")
    with pytest.raises(UserFacingError, match="only admits people with an invitation"):
        join_requests.join_request_create(group=closed, user=person)


def test_withdrawn_request_can_be_followed_by_a_new_one() -> None:
    group = make_group(join_policy="approval")
    person = make_user()
    request = join_requests.join_request_create(group=group, user=person)
    join_requests.join_request_withdraw(join_request=request, user=person)
    join_requests.join_request_create(group=group, user=person)
    assert JoinRequest.objects.filter(group=group, user=person).count() == 2


def test_joining_by_invitation_closes_a_pending_request() -> None:
    group = make_group(join_policy="approval")
    person = make_user()
    request = join_requests.join_request_create(group=group, user=person)
    link = invitations.invitation_create(group=group, actor=coordinator_of(group))
    invitations.invitation_accept(code=link.code, user=person)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
