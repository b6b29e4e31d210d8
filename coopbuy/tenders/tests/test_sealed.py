"""Sealed bids: before the deadline no page, API response or admin page shows a bid's content to
anyone but its own supplier; after the award the published ranking is there for all who may see."""

from __future__ import annotations

import pytest
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.tenders.models import Bid
from coopbuy.tenders.tests.world import BIDS, World, bid_all, make_world, past_deadline
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db

#: Every price and term the three bids carry, as it would be printed.
SECRETS = sorted({s for row in BIDS for s in (row[0], row[3], row[4]) if s != "0"} | {"2.70"})


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User) -> Client:
    _token, raw = token_create(user=user, name="t", scope="read-write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _none_shown(body: bytes) -> None:
    text = body.decode()
    assert [s for s in SECRETS if s in text] == []


@pytest.fixture
def world() -> World:
    world = make_world()
    bid_all(world)
    return world


def test_the_organisers_page_and_api_show_the_bid_count_but_no_price(world: World) -> None:
    assert world.tender is not None
    page = _web(world.fay).get(f"/tenders/{world.tender.pk}/")
    assert page.status_code == 200
    assert "3 bids stand." in page.content.decode()
    assert "Alpha" in page.content.decode()  # who bid is metadata
    _none_shown(page.content)
    api = _api(world.fay).get(f"/api/v1/tenders/{world.tender.pk}")
    assert api.status_code == 200
    assert (api.json()["bid_count"], api.json()["result"]) == (3, None)
    _none_shown(api.content)
    award = _api(world.fay).post(f"/api/v1/tenders/{world.tender.pk}/award")
    assert award.status_code == 422
    assert "sealed until the deadline" in award.json()["detail"]
    _none_shown(award.content)
    refused = _web(world.fay).post(f"/tenders/{world.tender.pk}/award/", follow=True)
    assert "sealed until the deadline" in refused.content.decode()
    _none_shown(refused.content)


def test_staff_in_the_admin_see_bids_metadata_only(world: World) -> None:
    assert world.tender is not None
    admin = User.objects.create_superuser("root@example.org", "pw-Long-enough-1")
    client = _web(admin)
    bid = Bid.objects.order_by("pk").first()
    assert bid is not None
    for url in (
        "/admin/tenders/bid/",
        f"/admin/tenders/bid/{bid.pk}/change/",
        "/admin/tenders/tender/",
        f"/admin/tenders/tender/{world.tender.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _none_shown(response.content)
    assert "Alpha" in client.get("/admin/tenders/bid/").content.decode()
    assert client.get("/admin/tenders/bidrevision/").status_code == 404
    assert client.get("/admin/tenders/bidline/").status_code == 404


def test_a_supplier_reads_its_own_bid_and_no_other(world: World) -> None:
    assert world.tender is not None
    alpha, beta = world.suppliers[0], world.suppliers[1]
    own = _web(world.sellers[0]).get(f"/tenders/{world.tender.pk}/bid/{alpha.pk}/")
    assert own.status_code == 200
    assert "2.90" in own.content.decode() and "6.40" not in own.content.decode()
    own_api = _api(world.sellers[0]).get(f"/api/v1/tenders/{world.tender.pk}/bids/{alpha.pk}")
    assert [p["unit_price"] for p in own_api.json()["prices"]] == ["6.10", "2.90"]
    for who, supplier in ((world.sellers[0], beta), (world.other_seller, alpha)):
        assert who is not None
        assert _web(who).get(f"/tenders/{world.tender.pk}/bid/{supplier.pk}/").status_code == 404
        api = _api(who).get(f"/api/v1/tenders/{world.tender.pk}/bids/{supplier.pk}")
        assert api.status_code == 404
        _none_shown(api.content)


def test_others_get_not_found_before_the_award(world: World) -> None:
    assert world.tender is not None
    tid = world.tender.pk
    for who in (world.bea, world.mia, world.outsider, make_user("Stranger")):
        for url in (f"/tenders/{tid}/", f"/tenders/{tid}/saving/"):
            response = _web(who).get(url)
            assert response.status_code == 404, (who, url)
            _none_shown(response.content)
        for url in (f"/api/v1/tenders/{tid}", f"/api/v1/tenders/{tid}/result"):
            response = _api(who).get(url)
            assert response.status_code == 404, (who, url)
            _none_shown(response.content)


def test_after_the_award_the_ranking_is_published_to_organisers_suppliers_and_members(
    world: World,
) -> None:
    assert world.tender is not None
    past_deadline(world)
    tid = world.tender.pk
    assert _web(world.fay).post(f"/tenders/{tid}/award/").status_code == 302
    page = _web(world.fay).get(f"/tenders/{tid}/").content.decode()
    assert "553.28" in page and "571.29" in page and "608.00" in page
    supplier_page = _web(world.sellers[1]).get(f"/tenders/{tid}/bid/{world.suppliers[1].pk}/")
    assert "Your bid was not awarded." in supplier_page.content.decode()
    assert "553.28" in supplier_page.content.decode()
    member = _api(world.mia).get(f"/api/v1/tenders/{tid}/result")
    assert member.status_code == 200
    assert member.json()["result"]["totals"]["cost"] == "608.00"
    assert _api(world.outsider).get(f"/api/v1/tenders/{tid}/result").status_code == 404
    assert _web(world.mia).get(f"/tenders/{tid}/saving/").status_code == 200
    assert _web(world.outsider).get(f"/tenders/{tid}/saving/").status_code == 404
