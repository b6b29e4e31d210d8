"""The pages: public deals, a deal, the team's share link with its progress, my teams, the admin's
management (counts and totals, never names)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.campaigns.models import Pledge
from coopbuy.teamdeals.models import Deal, Team
from coopbuy.teamdeals.services import team_join, team_start
from coopbuy.teamdeals.tests.factories import Shop, make_shop
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def _team_url(team: Team, suffix: str = "") -> str:
    return f"/deals/{team.deal_id}/teams/{team.campaign.code}/{suffix}"


def test_the_public_pages_show_the_offer_and_open_teams(client: Client, shop: Shop) -> None:
    page = client.get("/organisations/pennine-organics/deals/").content.decode()
    assert "Organic veg box (large)" in page and "team of 4: £18.00 each" in page
    team = team_start(deal=shop.deal, user=make_user("Ann Private"))
    page = client.get(f"/deals/{shop.deal.pk}/").content.decode()
    assert "A team of 1 buyer" in page and "1 more buyer unlocks £22.00 each." in page
    assert "Log in to start a team" in page and "Ann Private" not in page
    page = client.get(_team_url(team)).content.decode()
    assert "1 of 4 buyers" in page and "Log in to join the team" in page
    assert 'hx-get="' + _team_url(team, "progress/") in page
    partial = client.get(_team_url(team, "progress/")).content.decode()
    assert "1 more buyer unlocks £22.00 each." in partial and "<html" not in partial
    assert client.get("/deals/999999/").status_code == 404
    assert client.get(f"/deals/{shop.deal.pk}/teams/nope/").status_code == 404


def test_start_share_join_and_leave_through_the_pages(client: Client, shop: Shop) -> None:
    ann, ben = make_user("Ann"), make_user("Ben")
    client.force_login(ann)
    response = client.post(f"/deals/{shop.deal.pk}/teams/")
    team = Team.objects.get(deal=shop.deal)
    assert response.status_code == 302 and response["Location"] == _team_url(team)
    page = client.get(_team_url(team)).content.decode()
    assert "Leave the team" in page and "http://testserver" + _team_url(team) in page
    client.force_login(ben)
    client.post(_team_url(team, "join/"))
    page = client.get(_team_url(team)).content.decode()
    assert "2 of 4 buyers" in page and "2 more buyers unlock £18.00 each." in page
    mine = client.get("/deals/mine/").content.decode()
    assert "Organic veg box (large)" in mine and "Open" in mine
    client.post(_team_url(team, "leave/"))
    assert Pledge.objects.get(campaign=team.campaign, user=ben).status == "withdrawn"
    again = client.post(_team_url(team, "leave/"), follow=True).content.decode()
    assert "You are not in this team." in again


def test_the_admin_manages_deals_and_sees_no_names(client: Client, shop: Shop) -> None:
    team = team_start(deal=shop.deal, user=make_user("Ann Private"))
    for name in ("Ben Private", "Cat Private", "Dan Private"):
        team_join(team=team, user=make_user(name))
    client.force_login(make_user())
    assert client.get("/organisations/pennine-organics/deals/manage/").status_code == 404
    assert client.get(f"/deals/{shop.deal.pk}/edit/").status_code == 404
    client.force_login(shop.admin)
    page = client.get("/organisations/pennine-organics/deals/manage/").content.decode()
    assert "Succeeded" in page and "£72.00" in page and "Private" not in page
    form = {
        "title": "Eggs (dozen)", "unit": "dozen", "solo_price": "5.00", "window_hours": "400",
        "tier0_size": "2", "tier0_price": "4.50",
    }  # fmt: skip
    page = client.post("/organisations/pennine-organics/deals/new/", form).content.decode()
    assert "Ensure this value is less than or equal to 336" in page
    form["window_hours"], form["tier0_price"] = "24", "5.50"
    page = client.post("/organisations/pennine-organics/deals/new/", form).content.decode()
    assert "A bigger team must pay less each" in page and not Deal.objects.filter(unit="dozen")
    form["tier0_price"] = "4.50"
    response = client.post("/organisations/pennine-organics/deals/new/", form)
    assert response.status_code == 302
    eggs = Deal.objects.get(unit="dozen")
    assert [(t.size, str(t.unit_price)) for t in eggs.tiers.all()] == [(2, "4.50")]
    client.post(reverse("teamdeals:end", args=[eggs.pk]))
    eggs.refresh_from_db()
    assert eggs.ended_at is not None
