"""A group whose member list only its coordinators see (`members_listed_to_members=False`, e.g. a
shop's customers' group): its members see the group but not one another; ordinary groups are as
before, every member sees every member."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t')[1]}")


def _group(listed: bool) -> tuple[BuyingGroup, User, User, User]:
    group = make_group(
        name="Pennine customers", visibility="private", join_policy="open",
        members_listed_to_members=listed,
    )  # fmt: skip
    alice = add_member(group, make_user("Alice Buyer")).user
    bob = add_member(group, make_user("Bob Buyer")).user
    return group, coordinator_of(group), alice, bob


def test_a_buyer_cannot_see_the_other_buyers_page_nor_api() -> None:
    group, coordinator, alice, _bob = _group(listed=False)
    members_url = reverse("groups:members", args=[group.slug])
    page = _web(alice).get(members_url)
    assert page.status_code == 403
    assert b"Bob Buyer" not in page.content
    overview = _web(alice).get(reverse("groups:detail", args=[group.slug]))
    assert overview.status_code == 200  # the group itself stays visible to its members
    assert members_url.encode() not in overview.content  # and no link to the list
    assert b"Bob Buyer" not in overview.content
    api = _api(alice).get(f"/api/v1/groups/{group.slug}/members")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/problem+json"
    assert b"Bob Buyer" not in api.content
    assert _api(alice).get(f"/api/v1/groups/{group.slug}/members?role=member").status_code == 403
    # Its coordinator (a shop's service account) sees everyone, on the page and through the API.
    assert b"Bob Buyer" in _web(coordinator).get(members_url).content
    listed = _api(coordinator).get(f"/api/v1/groups/{group.slug}/members").json()
    assert sorted(m["person"]["name"] for m in listed["items"] if m["role"] == "member") == [
        "Alice Buyer", "Bob Buyer",
    ]  # fmt: skip


def test_an_ordinary_group_lists_its_members_to_every_member() -> None:
    group, _coordinator, alice, _bob = _group(listed=True)
    assert group.members_listed_to_members
    members_url = reverse("groups:members", args=[group.slug])
    page = _web(alice).get(members_url)
    assert page.status_code == 200
    assert b"Bob Buyer" in page.content
    overview = _web(alice).get(reverse("groups:detail", args=[group.slug]))
    assert members_url.encode() in overview.content
    api = _api(alice).get(f"/api/v1/groups/{group.slug}/members")
    assert api.status_code == 200
    assert "Bob Buyer" in [m["person"]["name"] for m in api.json()["items"]]


def test_groups_list_members_to_members_by_default() -> None:
    assert make_group(name="Elm Street").members_listed_to_members
