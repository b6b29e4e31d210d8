"""Campaign pages: a visitor sees progress and is sent to sign up with the campaign kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import pledge_set
from coopbuy.campaigns.tests.factories import make_world
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_visitor_sees_the_progress_and_a_sign_up_link_that_comes_back_with_the_referral() -> None:
    world = make_world()
    campaign = world.campaign()
    ann, _ = world.member("Ann", "200.00")
    first = pledge_set(campaign=campaign, user=ann, quantity=1)
    url = reverse("campaigns:detail", args=[campaign.code]) + f"?ref={first.share_code}"
    page = Client().get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 of 3 households: 2 more and it goes ahead at £45.00." in text
    assert "Sign up to pledge" in text and first.share_code in page.context["signup_url"]


def test_a_signed_in_person_pledges_through_a_share_link_and_the_referrer_is_credited() -> None:
    world = make_world()
    campaign = world.campaign()
    ann, _ = world.member("Ann", "200.00")
    first = pledge_set(campaign=campaign, user=ann, quantity=1)
    client = Client()
    client.force_login(make_user("Vi"))
    response = client.post(
        reverse("campaigns:pledge", args=[campaign.code]),
        {"quantity": "2", "max_price": "", "ref": first.share_code},
    )
    assert response.status_code == 302
    mine = Pledge.objects.get(user__display_name="Vi")
    assert mine.referred_by == first and mine.payment == Pledge.Payment.PROMISE
    page = client.get(reverse("campaigns:detail", args=[campaign.code]))
    assert mine.share_code in page.content.decode()


def test_bad_pledges_are_explained_and_change_nothing() -> None:
    world = make_world()
    campaign = world.campaign()
    client = Client()
    client.force_login(make_user("Vi"))
    for bad in ({"quantity": "0"}, {"quantity": "x"}, {"quantity": "1", "max_price": "-1"}):
        response = client.post(reverse("campaigns:pledge", args=[campaign.code]), bad, follow=True)
        assert response.status_code == 200 and not Pledge.objects.exists()
        assert any(m.level_tag == "error" for m in response.context["messages"])


def test_only_a_coordinator_starts_a_campaign_and_the_form_names_bad_tiers() -> None:
    world = make_world()
    member, _ = world.member("Mo")
    url = reverse("campaigns:create", args=[world.group.slug])
    client = Client()
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(world.coordinator)
    form = {
        "title": "Oats", "supplier": world.supplier.pk, "unit": "sack", "measure": "participants",
        "deadline": "2099-01-01T12:00", "max_per_person": "5",
        "tier0_from": "10", "tier0_price": "40.00", "tier1_from": "20", "tier1_price": "",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200 and "tier1_price" in response.context["form"].errors
    form["tier1_price"] = "41.00"  # dearer at 20 than at 10: refused by the rule
    response = client.post(url, form)
    assert response.status_code == 200 and not Campaign.objects.exists()
    form["tier1_price"] = "38.00"
    response = client.post(url, form)
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and [t.unit_price for t in campaign.tiers.all()] == [
        Decimal("40.00"),
        Decimal("38.00"),
    ]


def test_an_unknown_campaign_code_is_not_found() -> None:
    assert Client().get(reverse("campaigns:detail", args=["nope"])).status_code == 404
