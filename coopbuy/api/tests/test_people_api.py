"""My profile, finding groups near me, a group's activity, and looking at an invitation first."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import get_args

from django.conf import settings
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.api import Language
from coopbuy.accounts.models import User
from coopbuy.api.tests.conftest import World
from coopbuy.groups import invitations, memberships
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.testing.factories import make_group, make_user


def test_i_change_my_profile_and_only_what_i_send(world: World) -> None:
    client = world.client("member")
    response = client.patch(
        "/api/v1/me",
        {"display_name": "  Ada  ", "home_latitude": "53.800800", "home_longitude": "-1.549100"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    me = response.json()
    assert (me["display_name"], me["name"]) == ("Ada", "Ada")
    assert (me["home_latitude"], me["home_longitude"]) == ("53.800800", "-1.549100")
    user = User.objects.get(pk=world.people["member"].pk)
    assert user.home_latitude == Decimal("53.8008") and user.language == "en-gb"
    refused = client.patch("/api/v1/me", {"language": "de"}, content_type="application/json")
    assert refused.status_code == 422  # only English is offered until German is complete
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Ada", "en-gb")


def test_half_a_home_place_is_refused_naming_the_missing_half(world: World) -> None:
    response = world.client("member").patch(
        "/api/v1/me", {"home_latitude": "53.800800"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "home_longitude"
    assert User.objects.get(pk=world.people["member"].pk).home_latitude is None


def test_an_unknown_language_is_refused(world: World) -> None:
    response = world.client("member").patch(
        "/api/v1/me", {"language": "xx"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "language"


def test_the_api_offers_the_languages_the_site_has() -> None:
    assert set(get_args(Language)) == {code for code, _name in settings.LANGUAGES}


def test_groups_near_me_come_nearest_first_with_their_distance(world: World) -> None:
    leeds = make_group(name="Leeds Larder", visibility="public")
    york = make_group(name="York Pantry", visibility="public")
    BuyingGroup.objects.filter(pk=leeds.pk).update(latitude="53.800800", longitude="-1.549100")
    BuyingGroup.objects.filter(pk=york.pk).update(latitude="53.959900", longitude="-1.087300")
    client = world.client("outsider")
    client.patch(
        "/api/v1/me",
        {"home_latitude": "53.950000", "home_longitude": "-1.080000"},
        content_type="application/json",
    )
    items = client.get("/api/v1/groups", {"near": "true"}).json()["items"]
    names = [item["name"] for item in items]
    assert names[:2] == ["York Pantry", "Leeds Larder"]
    assert 0 < items[0]["distance_km"] < 2 < 25 < items[1]["distance_km"] < 40
    assert all(item["distance_km"] is None for item in client.get("/api/v1/groups").json()["items"])


def test_searching_near_me_without_a_home_place_says_how_to_set_one(world: World) -> None:
    response = world.client("outsider").get("/api/v1/groups", {"near": "true"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "near"
    assert "PATCH /me" in response.json()["detail"]
    assert Client().get("/api/v1/groups", {"near": "true"}).status_code == 422


def test_coordinators_read_the_groups_activity_newest_first(world: World) -> None:
    memberships.membership_change_role(
        membership=world.member_a, actor=world.people["coordinator"], role="treasurer"
    )
    page = world.client("coordinator").get(f"/api/v1/groups/{world.a.slug}/activity").json()
    newest = page["items"][0]
    assert newest["action"] == "membership.role_changed"
    assert newest["actor"]["name"] == world.people["coordinator"].name
    assert page["count"] >= 3  # the group, the invitation, the role change
    stamps = [item["at"] for item in page["items"]]
    assert stamps == sorted(stamps, reverse=True)


def test_an_invitation_shows_its_group_before_it_is_accepted(world: World) -> None:
    code, members = world.invitation_a.code, Membership.objects.filter(group=world.a).count()
    response = Client().get(f"/api/v1/invitations/{code}")
    assert response.status_code == 200
    assert response.json()["group"]["slug"] == world.a.slug
    assert response.json()["already_member"] is False
    mine = world.client("member").get(f"/api/v1/invitations/{code}").json()
    assert mine["already_member"] is True
    assert Membership.objects.filter(group=world.a).count() == members  # looking joins nobody


def test_a_revoked_or_unknown_invitation_says_why(world: World) -> None:
    invitations.invitation_revoke(invitation=world.invitation_a, actor=world.people["coordinator"])
    response = Client().get(f"/api/v1/invitations/{world.invitation_a.code}")
    assert response.status_code == 409
    assert "withdrawn" in response.json()["detail"]
    assert world.a.name.encode() not in response.content
    assert Client().get("/api/v1/invitations/nosuchcode").status_code == 404


def test_an_expired_invitation_is_refused_too(world: World) -> None:
    invitation = invitations.invitation_create(group=world.a, actor=world.people["coordinator"])
    type(invitation).objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = Client().get(f"/api/v1/invitations/{invitation.code}")
    assert response.status_code == 409 and "expired" in response.json()["detail"]


def test_another_user_is_untouched_by_my_profile_change(world: World) -> None:
    other = make_user("Other")
    world.client("member").patch(
        "/api/v1/me", {"display_name": "Me"}, content_type="application/json"
    )
    other.refresh_from_db()
    assert other.display_name != "Me"
