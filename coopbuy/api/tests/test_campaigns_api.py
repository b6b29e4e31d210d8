"""Campaigns through the API: start, pledge through a share code, live progress, withdraw."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from coopbuy.api.tests.conftest import World


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, "/api/v1" + url, data, content_type="application/json")


def test_a_campaign_through_the_api_alone(world: World) -> None:
    created = call(
        world.client("coordinator"),
        "POST",
        f"/groups/{world.a.slug}/campaigns",
        {
            "title": "Olive oil, 5 l",
            "supplier_id": world.ids["supplier_id"],
            "unit": "tin",
            "tiers": [
                {"threshold": 2, "unit_price": "30.00"},
                {"threshold": 3, "unit_price": "27.50"},
            ],
            "deadline": "2099-06-01T18:00:00+17:33",  # beyond PostgreSQL's ±15:59: kept as UTC
            "cap": 40,
        },
    )
    assert created.status_code == 201, created.json()
    code = created.json()["code"]
    assert created.json()["progress"]["sentence"] == (
        "0 of 2 households: 2 more and it goes ahead at £30.00."
    )
    first = call(world.client("outsider"), "PUT", f"/campaigns/{code}/pledge", {"quantity": 2})
    assert first.status_code == 200 and first.json()["payment"] == "promise"
    share = first.json()["share_code"]
    second = call(
        world.client("coordinator_b"),
        "PUT",
        f"/campaigns/{code}/pledge",
        {"quantity": 1, "max_price": "28.00", "ref": share},
    )
    assert second.status_code == 200
    progress = Client().get(f"/api/v1/campaigns/{code}").json()["progress"]
    # The conditional pledge counts only at 28.00 or less: at 30.00 one household would pay, and
    # 27.50 needs three; so it has not tipped, and one more household would tip it.
    assert not progress["tipped"] and progress["unit_price"] is None
    assert (progress["reached"], progress["more_to_tip"], progress["pledgers"]) == (1, 1, 2)
    mine = call(world.client("outsider"), "GET", f"/campaigns/{code}/pledge").json()
    assert mine["brought"] == 1
    gone = call(world.client("coordinator_b"), "DELETE", f"/campaigns/{code}/pledge")
    assert gone.json()["status"] == "withdrawn"


def test_bad_pledges_name_the_field_and_save_nothing(world: World) -> None:
    code = call(world.client("anonymous"), "GET", "/campaigns").json()["items"]
    assert code == []  # group A is private: its campaigns are not listed
    campaign_code = str(world.ids["campaign_code"])
    for body, field in (
        ({"quantity": 0}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"quantity": 1, "max_price": 4.1}, "max_price"),
        ({"quantity": 1, "max_price": "-1.00"}, "max_price"),
        ({"quantity": 99999}, "quantity"),
    ):
        response = call(world.client("outsider"), "PUT", f"/campaigns/{campaign_code}/pledge", body)
        assert response.status_code in (400, 422), (body, response.json())
        assert field in json.dumps(response.json()), (body, response.json())
    assert (
        call(world.client("outsider"), "GET", f"/campaigns/{campaign_code}/pledge").status_code
        == 404
    )
