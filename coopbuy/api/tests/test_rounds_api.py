"""Rounds through the API: the round and its products, my basket, closing, allocations, pick lists.

Baskets are filled through `services.basket_set` where a test is not about the basket itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coopbuy.api.tests.conftest import World
from coopbuy.ledger.services import settings_for
from coopbuy.rounds import services
from coopbuy.rounds.models import Allocation, DemandLine, Round


def _round(world: World) -> str:
    return f"/api/v1/groups/{world.a.slug}/rounds/{world.ids['round_id']}"


def _order(world: World, quantity: int, tolerance: int = 0) -> None:
    services.basket_set(
        round=Round.objects.get(pk=world.ids["round_id"]),
        user=world.people["member"],
        product_id=world.ids["round_product_id"],
        quantity=quantity,
        tolerance=tolerance,
    )


def test_a_member_sees_the_open_round_and_its_products_with_progress(world: World) -> None:
    _order(world, 4, 2)
    client = world.client("member")
    rounds = client.get(f"/api/v1/groups/{world.a.slug}/rounds").json()
    assert [r["name"] for r in rounds["items"]] == ["Weekly order"]
    assert rounds["items"][0]["status"] == "open" and rounds["items"][0]["suppliers"] == ["Farm A"]
    products = client.get(f"{_round(world)}/products").json()
    assert products["next"] is None
    (oats,) = products["items"]
    assert oats["price"] == "2.00" and oats["case_size"] == 6
    assert (oats["quantity"], oats["tolerance"]) == (4, 2)
    assert oats["progress"]["cases"] == 1 and oats["progress"]["in_next_case"] == 0
    assert client.get(f"{_round(world)}/products", {"q": "rice"}).json()["items"] == []


def test_my_basket_lists_my_lines_and_what_they_come_to(world: World) -> None:
    _order(world, 4, 2)
    basket = world.client("member").get(f"{_round(world)}/basket").json()
    assert basket["lines"] == [
        {"product": world.ids["round_product_id"], "name": "Oats", "quantity": 4, "tolerance": 2}
    ]
    assert basket["summary"]["total"] == "8.00" and basket["summary"]["units"] == 4
    others = world.client("treasurer").get(f"{_round(world)}/basket").json()
    assert others["lines"] == [] and others["summary"]["total"] == "0.00"


def test_a_draft_round_is_not_found_for_members(world: World) -> None:
    Round.objects.filter(pk=world.ids["round_id"]).update(status=Round.Status.DRAFT)
    assert world.client("member").get(_round(world)).status_code == 404
    assert world.client("member").get(f"/api/v1/groups/{world.a.slug}/rounds").json()["count"] == 0
    assert world.client("coordinator").get(_round(world)).json()["status"] == "draft"


def test_closing_twice_with_one_key_closes_once_and_replays(world: World) -> None:
    _order(world, 6)
    coordinator = world.client("coordinator")
    replies = [
        coordinator.post(f"{_round(world)}/close", HTTP_IDEMPOTENCY_KEY="close-1") for _ in range(2)
    ]
    assert [r.status_code for r in replies] == [200, 200]
    assert replies[0].json() == replies[1].json()
    assert replies[0].json()["closed_now"] is True and replies[0].json()["members"] == 1
    assert Allocation.objects.filter(round_id=world.ids["round_id"]).count() == 1
    later = coordinator.post(f"{_round(world)}/close").json()
    assert later["closed_now"] is False and later["round"]["status"] == "closed"


def test_a_member_may_not_close_a_round(world: World) -> None:
    assert world.client("member").post(f"{_round(world)}/close").status_code == 403
    assert Round.objects.get(pk=world.ids["round_id"]).status == Round.Status.OPEN


def test_after_close_a_member_sees_allocations_and_charge_and_the_pick_list(world: World) -> None:
    _order(world, 6)
    before = world.client("member").get(f"{_round(world)}/allocations").json()
    assert before == {"allocations": [], "charge": None}
    world.client("coordinator").post(f"{_round(world)}/close")
    mine = world.client("member").get(f"{_round(world)}/allocations").json()
    assert [(a["name"], a["units"], a["amount"]) for a in mine["allocations"]] == [
        ("Oats", 6, "12.00")
    ]
    assert mine["charge"]["total"] == "12.00"
    bags = world.client("coordinator").get(f"{_round(world)}/pick-list").json()
    assert [(b["name"], b["items"][0]["units"]) for b in bags["items"]] == [
        (world.people["member"].name, 6)
    ]


def test_another_groups_round_is_not_found(world: World) -> None:
    url = f"/api/v1/groups/{world.b.slug}/rounds/{world.ids['round_id']}/close"
    assert world.client("coordinator_b").post(url).status_code == 404
    assert Round.objects.get(pk=world.ids["round_id"]).status == Round.Status.OPEN


def _put(world: World, role: str, quantity: object, tolerance: object = 0) -> Any:
    url = f"{_round(world)}/basket/{world.ids['round_product_id']}"
    return world.client(role).put(
        url, {"quantity": quantity, "tolerance": tolerance}, content_type="application/json"
    )


def test_setting_my_basket_twice_keeps_one_line_and_shows_progress(world: World) -> None:
    first = _put(world, "member", 4, 2)
    assert first.status_code == 200, first.content
    again = _put(world, "member", 4, 2)
    assert again.json() == first.json()
    body = first.json()
    assert (body["product"]["quantity"], body["product"]["tolerance"]) == (4, 2)
    assert body["product"]["progress"]["cases"] == 1
    assert body["summary"]["total"] == "8.00"
    assert DemandLine.objects.filter(round_id=world.ids["round_id"]).count() == 1


def test_tolerance_alone_then_a_quantity_without_tolerance(world: World) -> None:
    assert _put(world, "member", 0, 3).status_code == 200
    response = _put(world, "member", 5, 0)
    assert response.status_code == 200, response.content
    assert response.json()["product"]["quantity"] == 5


def test_a_negative_quantity_is_refused_naming_the_field(world: World) -> None:
    response = _put(world, "member", -1)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "quantity"
    assert not DemandLine.objects.exists()


def test_ordering_beyond_what_i_may_spend_is_refused_naming_quantity(world: World) -> None:
    ledger = settings_for(world.a)
    ledger.prepayment_required, ledger.credit_limit = True, Decimal("5.00")
    ledger.save()
    response = _put(world, "member", 3)  # 6.00 against 5.00 of credit
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "quantity"
    assert "Top up your account" in problem["detail"]
    assert not DemandLine.objects.exists()
    assert _put(world, "member", 2).status_code == 200


def test_a_closed_round_refuses_basket_changes_with_when_it_closed(world: World) -> None:
    assert world.client("coordinator").post(f"{_round(world)}/close").status_code == 200
    response = _put(world, "member", 1)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("This round closed at ")
    assert not DemandLine.objects.exists()
