"""Running a round through the API before its close: draft, open, deadline, repeat, cancel; my
budget; and who may not. After the close: test_rounds_delivery_api.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coopbuy.api.tests.conftest import World
from coopbuy.api.tests.rounds_helpers import (
    closed_round,
    draft_round,
    in_days,
    plain_member,
    post_json,
    round_from_api,
    round_url,
    rounds_url,
    seeded_round,
    send_json,
)
from coopbuy.catalog import services as catalog_services
from coopbuy.catalog.models import Supplier
from coopbuy.rounds import services
from coopbuy.rounds.models import (
    MemberBudget,
    MemberRoundCharge,
    ReceivingRecord,
    Round,
    RoundProduct,
    RoundSchedule,
)


def test_a_coordinator_drafts_a_round_with_the_groups_supplier(world: World) -> None:
    body = round_from_api(world, policy="optimal", markup_percent="5.00", delivery_share="weight")
    response = post_json(world.client("coordinator"), rounds_url(world), body)
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["name"], out["status"], out["policy"]) == ("Autumn order", "draft", "optimal")
    assert (out["markup_rate"], out["delivery_share"]) == ("0.0500", "weight")
    assert out["suppliers"] == ["Farm A"] and out["repeats_every_weeks"] is None
    assert out["supplier_orders"] == [
        {
            "supplier_id": world.ids["supplier_id"],
            "name": "Farm A",
            "ordered": False,
            "goods": "0.00",
            "delivery_fee": "0.00",
        }
    ]
    round = Round.objects.get(pk=out["id"])
    assert (round.group, round.status, round.markup_rate) == (world.a, "draft", Decimal("0.05"))
    assert round.delivery_share == "weight" and round.created_by == world.people["coordinator"]
    assert list(round.suppliers.values_list("supplier_id", flat=True)) == [world.ids["supplier_id"]]
    listed = world.client("member").get(rounds_url(world)).json()
    assert out["id"] not in [r["id"] for r in listed["items"]]  # a draft: coordinators only


def test_a_supplier_of_another_group_or_none_is_refused_naming_suppliers(world: World) -> None:
    other = catalog_services.supplier_create(
        group=world.b, actor=world.people["coordinator_b"], name="Farm B"
    )
    before = Round.objects.count()
    for suppliers in ([other.pk], [world.ids["supplier_id"], 2**62], []):
        response = post_json(
            world.client("coordinator"),
            rounds_url(world),
            round_from_api(world, suppliers=suppliers),
        )
        assert response.status_code == 422, (suppliers, response.content)
        assert [e["field"] for e in response.json()["errors"]] == ["suppliers"]
    assert Round.objects.count() == before


def test_an_archived_supplier_is_refused_too(world: World) -> None:
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    catalog_services.supplier_archive(supplier=supplier, actor=world.people["coordinator"])
    response = post_json(world.client("coordinator"), rounds_url(world), round_from_api(world))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "suppliers"


def test_a_deadline_before_the_opening_is_refused_naming_closes_at(world: World) -> None:
    before = Round.objects.count()
    body = round_from_api(world, opens_at=in_days(8), closes_at=in_days(1))
    response = post_json(world.client("coordinator"), rounds_url(world), body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "urn:coopbuy:problem:invalid-value"
    assert problem["errors"] == [
        {"field": "closes_at", "message": "The round must close after it opens."}
    ]
    assert Round.objects.count() == before


def test_times_without_an_offset_or_out_of_range_are_refused_naming_the_field(
    world: World,
) -> None:
    client = world.client("coordinator")
    for field, value in (
        ("opens_at", "2098-01-01T10:00:00"),  # no UTC offset
        ("opens_at", "0001-01-01T00:00:00+05:00"),  # before year 1 in UTC
        ("closes_at", 4102444800),  # a number, not a time
        ("markup_percent", "100.00"),
        ("markup_percent", 5),
        ("policy", "lottery"),
    ):
        response = post_json(client, rounds_url(world), round_from_api(world, **{field: value}))
        assert response.status_code == 422, (field, value, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field], (field, value)
    assert not Round.objects.filter(name="Autumn order").exists()


def test_drafting_twice_with_one_key_makes_one_round_and_replays(world: World) -> None:
    client, body = world.client("coordinator"), round_from_api(world)
    first = post_json(client, rounds_url(world), body, key="draft-1")
    again = post_json(client, rounds_url(world), body, key="draft-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Round.objects.filter(name="Autumn order").count() == 1


# Opening, cancelling, the deadline, repeating ----------------------------------------------------


def test_opening_a_draft_copies_its_products_and_opening_again_is_a_conflict(
    world: World,
) -> None:
    draft = draft_round(world)
    client = world.client("coordinator")
    response = post_json(client, f"{round_url(world, draft.pk)}/open")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.OPEN
    assert list(RoundProduct.objects.filter(round=draft).values_list("name", flat=True)) == ["Oats"]
    again = post_json(client, f"{round_url(world, draft.pk)}/open")
    assert again.status_code == 409
    assert again.json()["detail"] == "Only a draft round can be opened."
    assert RoundProduct.objects.filter(round=draft).count() == 1


def test_opening_a_draft_whose_deadline_passed_names_closes_at(world: World) -> None:
    now = timezone.now()
    draft = draft_round(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    response = post_json(world.client("coordinator"), f"{round_url(world, draft.pk)}/open")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "closes_at"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.DRAFT


def test_cancelling_an_open_round_and_a_closed_one_is_a_conflict(world: World) -> None:
    client = world.client("coordinator")
    draft = draft_round(world)
    response = post_json(client, f"{round_url(world, draft.pk)}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.CANCELLED
    closed_round(world)
    refused = post_json(client, f"{round_url(world)}/cancel")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a draft or open round can be cancelled."
    assert seeded_round(world).status == Round.Status.CLOSED


def test_moving_the_deadline_of_an_open_round(world: World) -> None:
    closes_at = in_days(5)
    response = send_json(
        world.client("coordinator"), "PATCH", round_url(world), {"closes_at": closes_at}
    )
    assert response.status_code == 200, response.content
    moved = datetime.fromisoformat(closes_at)
    assert datetime.fromisoformat(response.json()["closes_at"]) == moved
    assert seeded_round(world).closes_at == moved


def test_a_deadline_with_an_offset_beyond_what_postgresql_stores_keeps_its_instant(
    world: World,
) -> None:
    """+17:33 is valid RFC 3339 but beyond PostgreSQL's ±15:59: it was a 500 there."""
    closes_at = "2547-12-08T04:32:03+17:33"
    response = send_json(
        world.client("coordinator"), "PATCH", round_url(world), {"closes_at": closes_at}
    )
    assert response.status_code == 200, response.content
    assert seeded_round(world).closes_at == datetime.fromisoformat(closes_at)


def test_a_deadline_before_the_opening_or_of_a_closed_round_names_closes_at(
    world: World,
) -> None:
    client = world.client("coordinator")
    before = seeded_round(world).closes_at
    response = send_json(client, "PATCH", round_url(world), {"closes_at": in_days(-10)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "closes_at"
    assert seeded_round(world).closes_at == before
    closed_round(world)
    closed = send_json(client, "PATCH", round_url(world), {"closes_at": in_days(5)})
    assert closed.status_code == 422
    assert closed.json()["errors"][0] == {
        "field": "closes_at",
        "message": "The deadline of a closed round cannot move.",
    }


def test_repeating_a_round_makes_a_schedule_once(world: World) -> None:
    client = world.client("coordinator")
    response = post_json(client, f"{round_url(world)}/repeat", {"interval_weeks": 2})
    assert response.status_code == 200, response.content
    assert response.json()["repeats_every_weeks"] == 2
    schedule = RoundSchedule.objects.get(group=world.a)
    assert schedule.interval_weeks == 2 and seeded_round(world).schedule == schedule
    again = post_json(client, f"{round_url(world)}/repeat", {"interval_weeks": 3})
    assert again.status_code == 409
    assert again.json()["detail"] == "This round already repeats."
    assert RoundSchedule.objects.count() == 1
    got = world.client("member").get(round_url(world)).json()
    assert got["repeats_every_weeks"] == 2


def test_repeating_a_round_open_for_centuries_keeps_what_a_schedule_can_hold(world: World) -> None:
    body = round_from_api(world, opens_at="2000-01-01T00:00:00Z", closes_at="2999-01-01T00:00:00Z")
    client = world.client("coordinator")
    draft = post_json(client, rounds_url(world), body).json()
    response = post_json(client, f"{round_url(world, draft['id'])}/repeat", {"interval_weeks": 1})
    assert response.status_code == 200, response.content
    assert RoundSchedule.objects.get(group=world.a).open_days == 32767


def test_repeating_every_13_weeks_is_refused_naming_interval_weeks(world: World) -> None:
    response = post_json(
        world.client("coordinator"), f"{round_url(world)}/repeat", {"interval_weeks": 13}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "interval_weeks"
    assert not RoundSchedule.objects.exists()


# My budget ---------------------------------------------------------------------------------------


def test_my_budget_in_an_optimal_round_set_shown_and_removed(world: World) -> None:
    round = services.round_open(
        round=draft_round(world, policy=Round.Policy.OPTIMAL), actor=world.people["coordinator"]
    )
    client, url = world.client("member"), f"{round_url(world, round.pk)}/budget"
    empty = client.get(url).json()
    assert (empty["amount"], empty["applies"], empty["available_to_spend"]) == (None, True, None)
    assert empty["summary"]["total"] == "0.00" and empty["explanation"]
    response = send_json(client, "PUT", url, {"amount": "40.00"})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "40.00"
    assert MemberBudget.objects.get(round=round, membership=plain_member(world)).amount == Decimal(
        40
    )
    assert client.get(url).json()["amount"] == "40.00"
    assert world.client("treasurer").get(url).json()["amount"] is None  # mine only
    removed = send_json(client, "PUT", url, {"amount": None})
    assert removed.status_code == 200 and removed.json()["amount"] is None
    assert not MemberBudget.objects.filter(round=round).exists()


def test_a_budget_is_refused_outside_optimal_rounds_and_after_the_close(world: World) -> None:
    client, url = world.client("member"), f"{round_url(world)}/budget"
    assert client.get(url).json()["applies"] is False
    response = send_json(client, "PUT", url, {"amount": "40.00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    negative = send_json(client, "PUT", url, {"amount": "-1.00"})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "amount"
    closed_round(world)
    closed = send_json(client, "PUT", url, {"amount": "40.00"})
    assert closed.status_code == 409
    assert closed.json()["detail"].startswith("This round closed at ")
    assert not MemberBudget.objects.exists()


def test_what_i_may_spend_follows_the_groups_money_rules(world: World) -> None:
    from coopbuy.ledger.services import settings_for

    ledger = settings_for(world.a)
    ledger.prepayment_required, ledger.credit_limit = True, Decimal("20.00")
    ledger.save()
    services.basket_set(
        round=seeded_round(world),
        user=world.people["member"],
        product_id=world.ids["round_product_id"],
        quantity=3,
        tolerance=0,
    )
    budget = world.client("member").get(f"{round_url(world)}/budget").json()
    assert budget["summary"]["total"] == "6.00"
    assert budget["available_to_spend"] == "14.00"


# Ordering from suppliers and settling ------------------------------------------------------------


def test_members_may_not_run_a_round(world: World) -> None:
    closed_round(world)
    member, url = world.client("member"), round_url(world)
    membership = plain_member(world)
    before = (
        list(Round.objects.values_list("pk", "status", "closes_at", "schedule")),
        ReceivingRecord.objects.count(),
        MemberRoundCharge.objects.filter(collected_at__isnull=False).count(),
    )
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", rounds_url(world), round_from_api(world)),
        ("PATCH", url, {"closes_at": in_days(5)}),
        ("POST", f"{url}/open", {}),
        ("POST", f"{url}/cancel", {}),
        ("POST", f"{url}/send-order", {}),
        ("POST", f"{url}/settle", {}),
        ("POST", f"{url}/repeat", {"interval_weeks": 2}),
        (
            "POST",
            f"{url}/receiving",
            {"product": world.ids["round_product_id"], "units_received": 1},
        ),
        ("PUT", f"{url}/collection/{membership.pk}", {"collected": True}),
    ]
    for method, path, body in writes:
        assert send_json(member, method, path, body).status_code == 403, (method, path)
    for path in (
        f"{url}/receiving",
        f"{url}/pick-list/products",
        f"{url}/pick-lists.pdf",
        f"{url}/collection",
        f"{url}/suppliers/{world.ids['supplier_id']}/order.csv",
        f"{url}/suppliers/{world.ids['supplier_id']}/order.pdf",
    ):
        response = member.get(path)
        assert response.status_code == 403, path
        assert response["Content-Type"] == "application/problem+json"
    after = (
        list(Round.objects.values_list("pk", "status", "closes_at", "schedule")),
        ReceivingRecord.objects.count(),
        MemberRoundCharge.objects.filter(collected_at__isnull=False).count(),
    )
    assert after == before


def test_another_groups_coordinator_cannot_reach_the_round(world: World) -> None:
    url = f"/api/v1/groups/{world.b.slug}/rounds/{world.ids['round_id']}"
    client = world.client("coordinator_b")
    assert post_json(client, f"{url}/cancel").status_code == 404
    assert send_json(client, "PATCH", url, {"closes_at": in_days(5)}).status_code == 404
    assert client.get(f"{url}/pick-lists.pdf").status_code == 404
    assert seeded_round(world).status == Round.Status.OPEN
