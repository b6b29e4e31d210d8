"""Running a round through the API: draft, open, deadline, repeat, close, order, receive, collect,
settle; my budget; pick lists and purchase orders as files.

The world's round ("Weekly order", Farm A's oats at 2.00 in cases of 6) is open; tests that need
it closed order a case through `services.basket_set` and close it through `closing.round_close`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from coopbuy.api.tests.conftest import World
from coopbuy.catalog import services as catalog_services
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Invoice
from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds import billing, closing, services
from coopbuy.rounds.models import (
    Allocation,
    MemberBudget,
    MemberRoundCharge,
    ReceivingRecord,
    Round,
    RoundProduct,
    RoundSchedule,
    RoundSupplier,
)


def _rounds(world: World) -> str:
    return f"/api/v1/groups/{world.a.slug}/rounds"


def _round(world: World, round_id: int | None = None) -> str:
    return f"{_rounds(world)}/{round_id or world.ids['round_id']}"


def _seeded(world: World) -> Round:
    return Round.objects.get(pk=world.ids["round_id"])


def _at(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


def _post(client: Client, url: str, body: dict[str, Any] | None = None, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    data = body if body is not None else {}
    return client.post(url, data, content_type="application/json", headers=headers)


def _send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def _member(world: World) -> Membership:
    return Membership.objects.get(group=world.a, user=world.people["member"])


def _close(world: World, units: int = 6) -> Round:
    """The member orders `units` oats, and the coordinator closes the round."""
    services.basket_set(
        round=_seeded(world),
        user=world.people["member"],
        product_id=world.ids["round_product_id"],
        quantity=units,
        tolerance=0,
    )
    closing.round_close(round=_seeded(world), actor=world.people["coordinator"])
    return _seeded(world)


def _draft(world: World, **fields: Any) -> Round:
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    now = timezone.now()
    return services.round_create(
        group=world.a,
        actor=world.people["coordinator"],
        name=fields.pop("name", "Next order"),
        suppliers=[supplier],
        opens_at=fields.pop("opens_at", now - timedelta(hours=1)),
        closes_at=fields.pop("closes_at", now + timedelta(days=3)),
        **fields,
    )


def _new_round(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Autumn order",
        "suppliers": [world.ids["supplier_id"]],
        "opens_at": _at(1),
        "closes_at": _at(8),
        **fields,
    }


# Drafting ----------------------------------------------------------------------------------------


def test_a_coordinator_drafts_a_round_with_the_groups_supplier(world: World) -> None:
    body = _new_round(world, policy="optimal", markup_percent="5.00", delivery_share="weight")
    response = _post(world.client("coordinator"), _rounds(world), body)
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
    listed = world.client("member").get(_rounds(world)).json()
    assert out["id"] not in [r["id"] for r in listed["items"]]  # a draft: coordinators only


def test_a_supplier_of_another_group_or_none_is_refused_naming_suppliers(world: World) -> None:
    other = catalog_services.supplier_create(
        group=world.b, actor=world.people["coordinator_b"], name="Farm B"
    )
    before = Round.objects.count()
    for suppliers in ([other.pk], [world.ids["supplier_id"], 2**62], []):
        response = _post(
            world.client("coordinator"), _rounds(world), _new_round(world, suppliers=suppliers)
        )
        assert response.status_code == 422, (suppliers, response.content)
        assert [e["field"] for e in response.json()["errors"]] == ["suppliers"]
    assert Round.objects.count() == before


def test_an_archived_supplier_is_refused_too(world: World) -> None:
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    catalog_services.supplier_archive(supplier=supplier, actor=world.people["coordinator"])
    response = _post(world.client("coordinator"), _rounds(world), _new_round(world))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "suppliers"


def test_a_deadline_before_the_opening_is_refused_naming_closes_at(world: World) -> None:
    before = Round.objects.count()
    body = _new_round(world, opens_at=_at(8), closes_at=_at(1))
    response = _post(world.client("coordinator"), _rounds(world), body)
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
        response = _post(client, _rounds(world), _new_round(world, **{field: value}))
        assert response.status_code == 422, (field, value, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field], (field, value)
    assert not Round.objects.filter(name="Autumn order").exists()


def test_drafting_twice_with_one_key_makes_one_round_and_replays(world: World) -> None:
    client, body = world.client("coordinator"), _new_round(world)
    first = _post(client, _rounds(world), body, key="draft-1")
    again = _post(client, _rounds(world), body, key="draft-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Round.objects.filter(name="Autumn order").count() == 1


# Opening, cancelling, the deadline, repeating ----------------------------------------------------


def test_opening_a_draft_copies_its_products_and_opening_again_is_a_conflict(
    world: World,
) -> None:
    draft = _draft(world)
    client = world.client("coordinator")
    response = _post(client, f"{_round(world, draft.pk)}/open")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "open"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.OPEN
    assert list(RoundProduct.objects.filter(round=draft).values_list("name", flat=True)) == ["Oats"]
    again = _post(client, f"{_round(world, draft.pk)}/open")
    assert again.status_code == 409
    assert again.json()["detail"] == "Only a draft round can be opened."
    assert RoundProduct.objects.filter(round=draft).count() == 1


def test_opening_a_draft_whose_deadline_passed_names_closes_at(world: World) -> None:
    now = timezone.now()
    draft = _draft(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    response = _post(world.client("coordinator"), f"{_round(world, draft.pk)}/open")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "closes_at"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.DRAFT


def test_cancelling_an_open_round_and_a_closed_one_is_a_conflict(world: World) -> None:
    client = world.client("coordinator")
    draft = _draft(world)
    response = _post(client, f"{_round(world, draft.pk)}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Round.objects.get(pk=draft.pk).status == Round.Status.CANCELLED
    _close(world)
    refused = _post(client, f"{_round(world)}/cancel")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a draft or open round can be cancelled."
    assert _seeded(world).status == Round.Status.CLOSED


def test_moving_the_deadline_of_an_open_round(world: World) -> None:
    closes_at = _at(5)
    response = _send(world.client("coordinator"), "PATCH", _round(world), {"closes_at": closes_at})
    assert response.status_code == 200, response.content
    moved = datetime.fromisoformat(closes_at)
    assert datetime.fromisoformat(response.json()["closes_at"]) == moved
    assert _seeded(world).closes_at == moved


def test_a_deadline_before_the_opening_or_of_a_closed_round_names_closes_at(
    world: World,
) -> None:
    client = world.client("coordinator")
    before = _seeded(world).closes_at
    response = _send(client, "PATCH", _round(world), {"closes_at": _at(-10)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "closes_at"
    assert _seeded(world).closes_at == before
    _close(world)
    closed = _send(client, "PATCH", _round(world), {"closes_at": _at(5)})
    assert closed.status_code == 422
    assert closed.json()["errors"][0] == {
        "field": "closes_at",
        "message": "The deadline of a closed round cannot move.",
    }


def test_repeating_a_round_makes_a_schedule_once(world: World) -> None:
    client = world.client("coordinator")
    response = _post(client, f"{_round(world)}/repeat", {"interval_weeks": 2})
    assert response.status_code == 200, response.content
    assert response.json()["repeats_every_weeks"] == 2
    schedule = RoundSchedule.objects.get(group=world.a)
    assert schedule.interval_weeks == 2 and _seeded(world).schedule == schedule
    again = _post(client, f"{_round(world)}/repeat", {"interval_weeks": 3})
    assert again.status_code == 409
    assert again.json()["detail"] == "This round already repeats."
    assert RoundSchedule.objects.count() == 1
    got = world.client("member").get(_round(world)).json()
    assert got["repeats_every_weeks"] == 2


def test_repeating_a_round_open_for_centuries_keeps_what_a_schedule_can_hold(world: World) -> None:
    body = _new_round(world, opens_at="2000-01-01T00:00:00Z", closes_at="2999-01-01T00:00:00Z")
    client = world.client("coordinator")
    draft = _post(client, _rounds(world), body).json()
    response = _post(client, f"{_round(world, draft['id'])}/repeat", {"interval_weeks": 1})
    assert response.status_code == 200, response.content
    assert RoundSchedule.objects.get(group=world.a).open_days == 32767


def test_repeating_every_13_weeks_is_refused_naming_interval_weeks(world: World) -> None:
    response = _post(world.client("coordinator"), f"{_round(world)}/repeat", {"interval_weeks": 13})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "interval_weeks"
    assert not RoundSchedule.objects.exists()


# My budget ---------------------------------------------------------------------------------------


def test_my_budget_in_an_optimal_round_set_shown_and_removed(world: World) -> None:
    round = services.round_open(
        round=_draft(world, policy=Round.Policy.OPTIMAL), actor=world.people["coordinator"]
    )
    client, url = world.client("member"), f"{_round(world, round.pk)}/budget"
    empty = client.get(url).json()
    assert (empty["amount"], empty["applies"], empty["available_to_spend"]) == (None, True, None)
    assert empty["summary"]["total"] == "0.00" and empty["explanation"]
    response = _send(client, "PUT", url, {"amount": "40.00"})
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "40.00"
    assert MemberBudget.objects.get(round=round, membership=_member(world)).amount == Decimal(40)
    assert client.get(url).json()["amount"] == "40.00"
    assert world.client("treasurer").get(url).json()["amount"] is None  # mine only
    removed = _send(client, "PUT", url, {"amount": None})
    assert removed.status_code == 200 and removed.json()["amount"] is None
    assert not MemberBudget.objects.filter(round=round).exists()


def test_a_budget_is_refused_outside_optimal_rounds_and_after_the_close(world: World) -> None:
    client, url = world.client("member"), f"{_round(world)}/budget"
    assert client.get(url).json()["applies"] is False
    response = _send(client, "PUT", url, {"amount": "40.00"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount"
    negative = _send(client, "PUT", url, {"amount": "-1.00"})
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "amount"
    _close(world)
    closed = _send(client, "PUT", url, {"amount": "40.00"})
    assert closed.status_code == 409
    assert closed.json()["detail"].startswith("This round closed at ")
    assert not MemberBudget.objects.exists()


def test_what_i_may_spend_follows_the_groups_money_rules(world: World) -> None:
    from coopbuy.ledger.services import settings_for

    ledger = settings_for(world.a)
    ledger.prepayment_required, ledger.credit_limit = True, Decimal("20.00")
    ledger.save()
    services.basket_set(
        round=_seeded(world),
        user=world.people["member"],
        product_id=world.ids["round_product_id"],
        quantity=3,
        tolerance=0,
    )
    budget = world.client("member").get(f"{_round(world)}/budget").json()
    assert budget["summary"]["total"] == "6.00"
    assert budget["available_to_spend"] == "14.00"


# Ordering from suppliers and settling ------------------------------------------------------------


def test_sending_the_order_needs_a_closed_round_then_emails_the_supplier(world: World) -> None:
    RoundSupplier.objects.filter(round_id=world.ids["round_id"]).update(
        order_email="orders@farm-a.example"
    )
    client = world.client("coordinator")
    early = _post(client, f"{_round(world)}/send-order")
    assert early.status_code == 409
    assert early.json()["detail"] == "Close the round before ordering from suppliers."
    _close(world)
    response = _post(client, f"{_round(world)}/send-order", key="order-1")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["status"] == "ordered"
    assert out["supplier_orders"][0]["ordered"] is True
    assert out["supplier_orders"][0]["goods"] == "12.00"
    assert _seeded(world).status == Round.Status.ORDERED
    sent = OutboxMessage.objects.filter(to=["orders@farm-a.example"])
    assert sent.count() == 1
    assert _post(client, f"{_round(world)}/send-order", key="order-1").json() == out
    assert _post(client, f"{_round(world)}/send-order").status_code == 200  # already ordered
    assert sent.count() == 1


def test_settling_issues_invoices_once_and_an_open_round_is_a_conflict(world: World) -> None:
    client = world.client("coordinator")
    refused = _post(client, f"{_round(world)}/settle")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a round whose goods have arrived can be settled."
    _close(world)
    closing.round_send_order(round=_seeded(world), actor=world.people["coordinator"])
    first = _post(client, f"{_round(world)}/settle", key="settle-1")
    again = _post(client, f"{_round(world)}/settle", key="settle-1")
    assert first.status_code == 200, first.content
    assert first.json() == again.json()
    assert first.json()["invoices"] == 1 and first.json()["round"]["status"] == "settled"
    assert _seeded(world).status == Round.Status.SETTLED
    reference = billing.round_reference(_seeded(world))
    assert Invoice.objects.filter(group=world.a, round_reference=reference).count() == 1
    assert _post(client, f"{_round(world)}/settle").status_code == 409  # settled already


# Receiving ---------------------------------------------------------------------------------------


def test_receiving_lists_what_was_ordered_and_records_a_short_delivery(world: World) -> None:
    client, url = world.client("coordinator"), f"{_round(world)}/receiving"
    assert client.get(url).json()["items"] == []  # nothing ordered before the close
    _close(world)
    (oats,) = client.get(url).json()["items"]
    assert (oats["id"], oats["name"], oats["supplier"]) == (
        world.ids["round_product_id"],
        "Oats",
        "Farm A",
    )
    assert (oats["cases"], oats["case_size"], oats["units_ordered"]) == (1, 6, 6)
    assert (oats["received_units"], oats["unit_price"], oats["records"]) == (None, "2.00", [])
    body = {"product": oats["id"], "units_received": 4, "note": "two bags split"}
    first = _post(client, url, body, key="receive-1")
    again = _post(client, url, body, key="receive-1")
    assert first.status_code == 200, first.content
    assert first.json() == again.json()
    out = first.json()
    assert out["received_units"] == 4
    (record,) = out["records"]
    assert (record["kind"], record["units_ordered"], record["units_received"]) == ("short", 6, 4)
    assert record["note"] == "two bags split"
    assert record["recorded_by"] == world.people["coordinator"].name
    assert ReceivingRecord.objects.filter(round_id=world.ids["round_id"]).count() == 1
    assert Allocation.objects.get(round_id=world.ids["round_id"]).units == 4
    assert _seeded(world).status == Round.Status.RECEIVED
    assert client.get(url).json()["items"][0]["records"] == out["records"]


def test_a_new_invoice_price_and_a_substitute_are_recorded(world: World) -> None:
    _close(world)
    body = {
        "product": world.ids["round_product_id"],
        "units_received": 6,
        "invoice_unit_price": "1.50",
        "substitute_name": "Jumbo oats",
    }
    response = _post(world.client("coordinator"), f"{_round(world)}/receiving", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["unit_price"], out["substitute_name"]) == ("1.50", "Jumbo oats")
    record = out["records"][0]
    assert (record["kind"], record["old_unit_price"], record["new_unit_price"]) == (
        "substituted",
        "2.00",
        "1.50",
    )
    assert MemberRoundCharge.objects.get(membership=_member(world)).goods == Decimal("9.00")


def test_receiving_an_open_round_is_a_conflict_and_an_unknown_product_names_product(
    world: World,
) -> None:
    client, url = world.client("coordinator"), f"{_round(world)}/receiving"
    body = {"product": world.ids["round_product_id"], "units_received": 4}
    refused = _post(client, url, body)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a closed or ordered round can be received."
    _close(world)
    unknown = _post(client, url, {"product": 2**62, "units_received": 4})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "product"
    too_dear = _post(client, url, {**body, "invoice_unit_price": "100000.00"})
    assert too_dear.status_code == 422
    assert too_dear.json()["errors"][0]["field"] == "invoice_unit_price"
    assert not ReceivingRecord.objects.exists()


# Pick lists, collection and purchase orders ------------------------------------------------------


def test_the_pick_list_by_product_and_as_a_pdf(world: World) -> None:
    _close(world)
    client = world.client("coordinator")
    picks = client.get(f"{_round(world)}/pick-list/products").json()
    assert picks["count"] == 1
    assert picks["items"] == [
        {
            "product_id": world.ids["round_product_id"],
            "name": "Oats",
            "unit": "",
            "total": 6,
            "members": [{"name": world.people["member"].name, "units": 6}],
        }
    ]
    pdf = client.get(f"{_round(world)}/pick-lists.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == f'inline; filename="pick-lists-{world.ids["round_id"]}.pdf"'
    )
    assert pdf.content.startswith(b"%PDF")


def test_the_collection_checklist_and_ticking_a_bag(world: World) -> None:
    _close(world)
    client, url = world.client("coordinator"), f"{_round(world)}/collection"
    member = _member(world)
    (row,) = client.get(url).json()["items"]
    assert (row["membership_id"], row["name"], row["total"]) == (
        member.pk,
        world.people["member"].name,
        "12.00",
    )
    assert (row["collected"], row["collected_at"], row["note"]) == (False, None, "")
    response = _send(client, "PUT", f"{url}/{member.pk}", {"collected": True, "note": "bag torn"})
    assert response.status_code == 200, response.content
    assert (response.json()["collected"], response.json()["note"]) == (True, "bag torn")
    charge = MemberRoundCharge.objects.get(membership=member)
    assert charge.collected_at is not None and charge.collection_note == "bag torn"
    assert charge.collected_by == world.people["coordinator"]
    undone = _send(client, "PUT", f"{url}/{member.pk}", {"collected": False})
    assert undone.json()["collected"] is False
    assert MemberRoundCharge.objects.get(membership=member).collected_at is None


def test_a_member_with_nothing_to_collect_is_a_conflict(world: World) -> None:
    _close(world)
    url = f"{_round(world)}/collection/{world.member_a.pk}"
    response = _send(world.client("coordinator"), "PUT", url, {"collected": True})
    assert response.status_code == 409
    assert response.json()["detail"] == "This member has nothing to collect in this round."
    bad = _send(world.client("coordinator"), "PUT", url, {"collected": "yes"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "collected"


def test_the_purchase_order_as_csv_and_pdf_once_the_round_has_closed(world: World) -> None:
    client = world.client("coordinator")
    url = f"{_round(world)}/suppliers/{world.ids['supplier_id']}/order"
    early = client.get(f"{url}.csv")
    assert early.status_code == 409
    assert early.json()["detail"] == "The order exists once the round has closed."
    _close(world)
    csv = client.get(f"{url}.csv")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv"
    name = f"order-{world.a.slug}-{world.ids['round_id']}-farm-a"
    assert csv["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    lines = csv.content.decode().splitlines()
    assert lines[0] == "sku,name,unit,case_size,cases,units,unit_price,amount"
    assert lines[1] == "OATS,Oats,,6,1,6,2.00,12.00"
    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{name}.pdf"'
    assert pdf.content.startswith(b"%PDF")


def test_a_supplier_not_in_the_round_has_no_purchase_order(world: World) -> None:
    _close(world)
    other = catalog_services.supplier_create(
        group=world.b, actor=world.people["coordinator_b"], name="Farm B"
    )
    mine = catalog_services.supplier_create(
        group=world.a, actor=world.people["coordinator"], name="Mill A"
    )
    for supplier_id in (other.pk, mine.pk, 2**62):
        url = f"{_round(world)}/suppliers/{supplier_id}/order.csv"
        response = world.client("coordinator").get(url)
        assert response.status_code == 404, supplier_id
        assert response["Content-Type"] == "application/problem+json"


# Who may -----------------------------------------------------------------------------------------


def test_members_may_not_run_a_round(world: World) -> None:
    _close(world)
    member, url = world.client("member"), _round(world)
    membership = _member(world)
    before = (
        list(Round.objects.values_list("pk", "status", "closes_at", "schedule")),
        ReceivingRecord.objects.count(),
        MemberRoundCharge.objects.filter(collected_at__isnull=False).count(),
    )
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", _rounds(world), _new_round(world)),
        ("PATCH", url, {"closes_at": _at(5)}),
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
        assert _send(member, method, path, body).status_code == 403, (method, path)
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
    assert _post(client, f"{url}/cancel").status_code == 404
    assert _send(client, "PATCH", url, {"closes_at": _at(5)}).status_code == 404
    assert client.get(f"{url}/pick-lists.pdf").status_code == 404
    assert _seeded(world).status == Round.Status.OPEN
