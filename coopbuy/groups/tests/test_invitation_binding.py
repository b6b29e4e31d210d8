"""An invitation sent to an address is for that address; a code typed by hand is checked."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from coopbuy.groups import invitations
from coopbuy.groups.models import Membership
from coopbuy.groups.services import GroupError
from coopbuy.testing.factories import coordinator_of, make_group, make_user

pytestmark = pytest.mark.django_db


def test_an_email_invitation_is_accepted_only_by_that_verified_address() -> None:
    group = make_group(name="Leith Larder")
    invitation = invitations.invitation_create(
        group=group, actor=coordinator_of(group), email="Neighbour@Example.org"
    )
    stranger = make_user("Stranger")
    with pytest.raises(GroupError, match=r"sent to neighbour@example\.org"):
        invitations.invitation_accept(code=invitation.code, user=stranger)
    neighbour = make_user("Neighbour", email="NEIGHBOUR@example.org", verified=False)
    with pytest.raises(GroupError, match="confirm it"):
        invitations.invitation_accept(code=invitation.code, user=neighbour)
    invitation.refresh_from_db()
    assert invitation.use_count == 0 and not Membership.objects.filter(user=stranger).exists()
    EmailAddress.objects.filter(user=neighbour).update(verified=True)
    assert invitations.invitation_accept(code=invitation.code, user=neighbour).group == group


def test_a_link_invitation_stays_open_to_anyone() -> None:
    group = make_group(name="Leith Larder")
    link = invitations.invitation_create(group=group, actor=coordinator_of(group))
    assert invitations.invitation_accept(code=link.code, user=make_user()).group == group


def test_the_web_page_refuses_another_account_with_the_reason() -> None:
    group = make_group(name="Leith Larder")
    invitation = invitations.invitation_create(
        group=group, actor=coordinator_of(group), email="neighbour@example.org"
    )
    client = Client()
    client.force_login(make_user("Stranger"))
    url = reverse("groups:invitation", args=[invitation.code])
    page = client.post(url)
    assert page.status_code == 403 and "sent to neighbour@example.org" in page.text
    assert Membership.objects.filter(group=group).count() == 1  # the coordinator only


@pytest.mark.parametrize("code", ["a/b", "a\\b", "x y", "../admin", "%2F", "é"])
def test_a_code_that_cannot_be_one_is_a_clear_message_not_a_500(code: str) -> None:
    response = Client().get("/join/", {"code": code}, follow=True)
    assert response.status_code == 200
    assert "not an invitation code" in response.text


def test_a_pasted_link_still_leads_to_its_invitation() -> None:
    group = make_group(name="Leith Larder")
    link = invitations.invitation_create(group=group, actor=coordinator_of(group))
    response = Client().get("/join/", {"code": f"https://coop.example/join/{link.code}/"})
    assert response.status_code == 302 and response["Location"] == f"/join/{link.code}/"
