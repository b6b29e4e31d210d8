"""The customers' group a shop's team deals run on: buyers do not see one another there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.teamdeals.services import team_join, team_start
from coopbuy.teamdeals.tests.factories import make_shop
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def test_a_buyer_sees_the_customers_group_but_not_the_other_buyers() -> None:
    shop = make_shop()
    alice, bob = make_user("Alice Buyer"), make_user("Bob Buyer")
    team = team_start(deal=shop.deal, user=alice)
    team_join(team=team, user=bob)
    group = shop.setup.group
    assert not group.members_listed_to_members
    web = Client()
    web.force_login(alice)
    assert group.name.encode() in web.get(reverse("groups:mine")).content  # "My groups"
    members_url = reverse("groups:members", args=[group.slug])
    assert members_url.encode() not in web.get(reverse("groups:detail", args=[group.slug])).content
    page = web.get(members_url)
    assert page.status_code == 403
    assert b"Bob Buyer" not in page.content
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=alice, name='t')[1]}")
    response = api.get(f"/api/v1/groups/{group.slug}/members")
    assert response.status_code == 403
    assert b"Bob Buyer" not in response.content
    # The service account that coordinates the group still sees its customers.
    operator = Client()
    operator.force_login(shop.setup.operator)
    listed = operator.get(members_url)
    assert listed.status_code == 200
    assert b"Alice Buyer" in listed.content and b"Bob Buyer" in listed.content
