"""Team deals through the API: offer, start, join through the share code, leave, my teams, an
admin's figures; refusals name the field and change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Pledge
from coopbuy.teamdeals.models import Deal
from coopbuy.teamdeals.tests.factories import Shop, make_shop
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    return Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='t', scope='read-write')[1]}"
    )


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, "/api/v1/deals" + url, data, content_type="application/json")


@pytest.fixture
def shop() -> Shop:
    return make_shop()


EGGS = {
    "organisation": "pennine-organics",
    "title": "Eggs (dozen)",
    "unit": "dozen",
    "solo_price": "5.00",
    "tiers": [{"size": 2, "unit_price": "4.50"}, {"size": 6, "unit_price": "3.90"}],
    "window_hours": 24,
}


def test_a_team_through_the_api(shop: Shop) -> None:
    listed = call(Client(), "GET", "").json()["items"]
    assert [(d["title"], d["solo_price"]) for d in listed] == [("Organic veg box (large)", "24.00")]
    ann, ben = make_user("Ann Private"), make_user("Ben")
    started = call(client_of(ann), "POST", f"/{shop.deal.pk}/teams")
    assert started.status_code == 201, started.json()
    code = started.json()["code"]
    assert started.json()["my_place"] == {"status": "active", "amount_due": None}
    assert started.json()["progress"]["sentence"] == "1 more buyer unlocks £22.00 each."
    seen = call(Client(), "GET", f"/{shop.deal.pk}/teams/{code}").json()
    assert seen["my_place"] is None and "Ann" not in json.dumps(seen)
    joined = call(client_of(ben), "POST", f"/{shop.deal.pk}/teams/{code}/join").json()
    assert joined["progress"]["members"] == 2 and joined["progress"]["price_now"] == "22.00"
    detail = call(Client(), "GET", f"/{shop.deal.pk}").json()
    assert [t["code"] for t in detail["open_teams"]] == [code]
    again = call(client_of(ben), "POST", f"/{shop.deal.pk}/teams/{code}/join")
    assert again.status_code == 409 and "already in this team" in json.dumps(again.json())
    mine = call(client_of(ben), "GET", "/mine").json()["items"]
    assert [(m["code"], m["state"], m["place"]["status"]) for m in mine] == [
        (code, "open", "active")
    ]
    left = call(client_of(ben), "POST", f"/{shop.deal.pk}/teams/{code}/leave").json()
    assert left["my_place"]["status"] == "withdrawn" and left["progress"]["members"] == 1
    assert call(Client(), "POST", f"/{shop.deal.pk}/teams").status_code == 401


def test_an_admin_offers_changes_and_ends_a_deal(shop: Shop) -> None:
    admin = client_of(shop.admin)
    assert call(client_of(make_user()), "POST", "", EGGS).status_code == 404
    for changes, field in (
        ({"window_hours": 337}, "window_hours"),
        ({"solo_price": "5.001"}, "solo_price"),
        ({"tiers": [{"size": 1, "unit_price": "4.00"}]}, "tiers"),
        ({"tiers": [{"size": 2, "unit_price": "5.00"}]}, "tiers"),
        ({"stock": 1}, "stock"),
        ({"title": ""}, "title"),
    ):
        response = call(admin, "POST", "", {**EGGS, **changes})
        assert response.status_code == 422, (changes, response.json())
        named = [str(e["field"]) for e in response.json()["errors"]]
        assert any(n == field or n.startswith(field + ".") for n in named), (changes, named)
    assert not Deal.objects.filter(unit="dozen").exists()
    created = call(admin, "POST", "", EGGS)
    assert created.status_code == 201, created.json()
    deal_id = created.json()["id"]
    body = {k: v for k, v in EGGS.items() if k != "organisation"}
    changed = call(admin, "PUT", f"/{deal_id}", {**body, "window_hours": 12}).json()
    assert changed["window_hours"] == 12
    assert call(client_of(make_user()), "PUT", f"/{deal_id}", body).status_code == 404
    team = call(client_of(make_user("Zed Private")), "POST", f"/{deal_id}/teams").json()
    figures = call(admin, "GET", f"/{deal_id}/figures").json()
    assert figures == [
        {"code": team["code"], "state": "open", "members": 1, "total": "4.50",
         "deadline": figures[0]["deadline"]}
    ]  # fmt: skip
    assert call(client_of(make_user()), "GET", f"/{deal_id}/figures").status_code == 404
    assert call(admin, "POST", f"/{deal_id}/end").json()["ended"] is True
    refused = call(client_of(make_user()), "POST", f"/{deal_id}/teams")
    assert refused.status_code == 409 and "not on offer" in json.dumps(refused.json())
    assert Pledge.objects.count() == 1
