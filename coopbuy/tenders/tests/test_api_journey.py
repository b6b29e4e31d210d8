"""The whole tender through the API: draft, items, invitation, publish, bid, award, confirm,
a member's saving and opt-in (and the same saving on the member's page)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Product
from coopbuy.groups.models import Membership
from coopbuy.tenders.models import Tender, TenderContract, TenderOptIn
from coopbuy.tenders.tests.world import make_world, past_round
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _token, raw = token_create(user=user, name="t", scope="read-write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    response = client.post(f"/api/v1/tenders{url}", body or {}, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def test_the_tender_journey_through_the_api() -> None:
    world = make_world()
    mia_in_a = Membership.objects.get(user=world.mia, group=world.a)
    past_round(world.a, 30, {mia_in_a: [("rice-1kg", 12, "30.00")]})
    fay = _api(world.fay)
    made = _post(fay, "", {
        "federation_slug": world.federation.slug, "title": "Rice",
        "deadline": (timezone.now() + timedelta(days=1)).isoformat(), "split": "units",
    })  # fmt: skip
    tid = made["id"]
    assert (made["status"], made["split"], made["bid_count"]) == ("draft", "units", 0)
    prefilled = _post(fay, f"/{tid}/prefill", {"rounds": 3})
    assert [(i["code"], i["quantity"]) for i in prefilled["items"]] == [("rice-1kg", 12)]
    _post(fay, f"/{tid}/items", {"code": "rice-1kg", "name": "Rice", "quantity": 100})
    for supplier in world.suppliers[:2]:
        _post(fay, f"/{tid}/invitations", {"supplier_id": supplier.pk})
    assert _post(fay, f"/{tid}/publish")["status"] == "published"
    for n, price in ((0, "2.10"), (1, "2.20")):
        bid = _api(world.sellers[n]).put(
            f"/api/v1/tenders/{tid}/bids/{world.suppliers[n].pk}",
            {"prices": [{"item": "rice-1kg", "unit_price": price, "capacity": 60}]},
            content_type="application/json",
        )
        assert bid.status_code == 200, bid.content
    invitations = _api(world.sellers[0]).get("/api/v1/tenders/invitations").json()["items"]
    assert any(i["tender"]["id"] == tid for i in invitations)
    Tender.objects.filter(pk=tid).update(deadline=timezone.now() - timedelta(seconds=1))
    awarded = _post(fay, f"/{tid}/award")
    awards = awarded["result"]["awards"]
    assert [(a["units"], a["unit_price"], a["supplier_name"]) for a in awards] == [
        (60, "2.10", "Alpha"),
        (40, "2.20", "Beta"),
    ]
    assert awarded["result"]["totals"]["cost"] == "214.00"
    mia = _api(world.mia)
    before = mia.get(f"/api/v1/tenders/{tid}/saving").json()
    # she paid 30.00 for 12; at 214.00 / 100 = 2.14 a unit that is 25.68: 4.32 saved
    assert (before["paid"], before["at_tender_price"]) == ("30.00", "25.68")
    assert before["saving"] == "4.32"
    refused = mia.post(f"/api/v1/tenders/{tid}/opt-in")
    assert refused.status_code == 422
    bad = fay.post(f"/api/v1/tenders/{tid}/confirm", {"group_slug": world.b.slug},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 422  # Fay does not coordinate group b
    confirmed = _post(fay, f"/{tid}/confirm", {"group_slug": world.a.slug})
    assert confirmed["status"] == "confirmed"
    catalogues = TenderContract.objects.filter(tender_id=tid).order_by("pk")
    assert [c.catalogue.group_id for c in catalogues] == [world.a.pk, world.a.pk]
    assert list(
        Product.objects.filter(supplier__tender_contracts__tender_id=tid)
        .order_by("unit_price")
        .values_list("sku", "unit_price", "max_cases")
    ) == [("rice-1kg", Decimal("2.10"), 60), ("rice-1kg", Decimal("2.20"), 60)]
    assert _post(mia, f"/{tid}/opt-in")["opted_in"] is True
    assert str(TenderOptIn.objects.get().expected_saving) == "4.32"
    web = Client()
    web.force_login(world.mia)
    page = web.get(f"/tenders/{tid}/saving/").content.decode()
    assert "4.32" in page and "You opted in" in page
    assert _api(world.outsider).get(f"/api/v1/tenders/{tid}/saving").status_code == 404
