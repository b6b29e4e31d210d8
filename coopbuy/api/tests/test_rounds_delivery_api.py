"""A round after its close through the API: the order to suppliers, receiving, pick lists,
collection, settling, and the purchase orders as files."""

from decimal import Decimal

from coopbuy.api.tests.conftest import World
from coopbuy.api.tests.rounds_helpers import (
    closed_round,
    plain_member,
    post_json,
    round_url,
    seeded_round,
    send_json,
)
from coopbuy.catalog import services as catalog_services
from coopbuy.ledger.models import Invoice
from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds import billing, closing
from coopbuy.rounds.models import (
    Allocation,
    MemberRoundCharge,
    ReceivingRecord,
    Round,
    RoundSupplier,
)


def test_sending_the_order_needs_a_closed_round_then_emails_the_supplier(world: World) -> None:
    RoundSupplier.objects.filter(round_id=world.ids["round_id"]).update(
        order_email="orders@farm-a.example"
    )
    client = world.client("coordinator")
    early = post_json(client, f"{round_url(world)}/send-order")
    assert early.status_code == 409
    assert early.json()["detail"] == "Close the round before ordering from suppliers."
    closed_round(world)
    response = post_json(client, f"{round_url(world)}/send-order", key="order-1")
    assert response.status_code == 200, response.content
    out = response.json()
    assert out["status"] == "ordered"
    assert out["supplier_orders"][0]["ordered"] is True
    assert out["supplier_orders"][0]["goods"] == "12.00"
    assert seeded_round(world).status == Round.Status.ORDERED
    sent = OutboxMessage.objects.filter(to=["orders@farm-a.example"])
    assert sent.count() == 1
    assert post_json(client, f"{round_url(world)}/send-order", key="order-1").json() == out
    assert post_json(client, f"{round_url(world)}/send-order").status_code == 200  # already ordered
    assert sent.count() == 1


def test_settling_issues_invoices_once_and_an_open_round_is_a_conflict(world: World) -> None:
    client = world.client("coordinator")
    refused = post_json(client, f"{round_url(world)}/settle")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a round whose goods have arrived can be settled."
    closed_round(world)
    closing.round_send_order(round=seeded_round(world), actor=world.people["coordinator"])
    first = post_json(client, f"{round_url(world)}/settle", key="settle-1")
    again = post_json(client, f"{round_url(world)}/settle", key="settle-1")
    assert first.status_code == 200, first.content
    assert first.json() == again.json()
    assert first.json()["invoices"] == 1 and first.json()["round"]["status"] == "settled"
    assert seeded_round(world).status == Round.Status.SETTLED
    reference = billing.round_reference(seeded_round(world))
    assert Invoice.objects.filter(group=world.a, round_reference=reference).count() == 1
    assert post_json(client, f"{round_url(world)}/settle").status_code == 409  # settled already


# Receiving ---------------------------------------------------------------------------------------


def test_receiving_lists_what_was_ordered_and_records_a_short_delivery(world: World) -> None:
    client, url = world.client("coordinator"), f"{round_url(world)}/receiving"
    assert client.get(url).json()["items"] == []  # nothing ordered before the close
    closed_round(world)
    (oats,) = client.get(url).json()["items"]
    assert (oats["id"], oats["name"], oats["supplier"]) == (
        world.ids["round_product_id"],
        "Oats",
        "Farm A",
    )
    assert (oats["cases"], oats["case_size"], oats["units_ordered"]) == (1, 6, 6)
    assert (oats["received_units"], oats["unit_price"], oats["records"]) == (None, "2.00", [])
    body = {"product": oats["id"], "units_received": 4, "note": "two bags split"}
    first = post_json(client, url, body, key="receive-1")
    again = post_json(client, url, body, key="receive-1")
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
    assert seeded_round(world).status == Round.Status.RECEIVED
    assert client.get(url).json()["items"][0]["records"] == out["records"]


def test_a_new_invoice_price_and_a_substitute_are_recorded(world: World) -> None:
    closed_round(world)
    body = {
        "product": world.ids["round_product_id"],
        "units_received": 6,
        "invoice_unit_price": "1.50",
        "substitute_name": "Jumbo oats",
    }
    response = post_json(world.client("coordinator"), f"{round_url(world)}/receiving", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert (out["unit_price"], out["substitute_name"]) == ("1.50", "Jumbo oats")
    record = out["records"][0]
    assert (record["kind"], record["old_unit_price"], record["new_unit_price"]) == (
        "substituted",
        "2.00",
        "1.50",
    )
    assert MemberRoundCharge.objects.get(membership=plain_member(world)).goods == Decimal("9.00")


def test_receiving_an_open_round_is_a_conflict_and_an_unknown_product_names_product(
    world: World,
) -> None:
    client, url = world.client("coordinator"), f"{round_url(world)}/receiving"
    body = {"product": world.ids["round_product_id"], "units_received": 4}
    refused = post_json(client, url, body)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "Only a closed or ordered round can be received."
    closed_round(world)
    unknown = post_json(client, url, {"product": 2**62, "units_received": 4})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "product"
    too_dear = post_json(client, url, {**body, "invoice_unit_price": "100000.00"})
    assert too_dear.status_code == 422
    assert too_dear.json()["errors"][0]["field"] == "invoice_unit_price"
    assert not ReceivingRecord.objects.exists()


# Pick lists, collection and purchase orders ------------------------------------------------------


def test_the_pick_list_by_product_and_as_a_pdf(world: World) -> None:
    closed_round(world)
    client = world.client("coordinator")
    picks = client.get(f"{round_url(world)}/pick-list/products").json()
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
    pdf = client.get(f"{round_url(world)}/pick-lists.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == f'inline; filename="pick-lists-{world.ids["round_id"]}.pdf"'
    )
    assert pdf.content.startswith(b"%PDF")


def test_the_collection_checklist_and_ticking_a_bag(world: World) -> None:
    closed_round(world)
    client, url = world.client("coordinator"), f"{round_url(world)}/collection"
    member = plain_member(world)
    (row,) = client.get(url).json()["items"]
    assert (row["membership_id"], row["name"], row["total"]) == (
        member.pk,
        world.people["member"].name,
        "12.00",
    )
    assert (row["collected"], row["collected_at"], row["note"]) == (False, None, "")
    response = send_json(
        client, "PUT", f"{url}/{member.pk}", {"collected": True, "note": "bag torn"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["collected"], response.json()["note"]) == (True, "bag torn")
    charge = MemberRoundCharge.objects.get(membership=member)
    assert charge.collected_at is not None and charge.collection_note == "bag torn"
    assert charge.collected_by == world.people["coordinator"]
    undone = send_json(client, "PUT", f"{url}/{member.pk}", {"collected": False})
    assert undone.json()["collected"] is False
    assert MemberRoundCharge.objects.get(membership=member).collected_at is None


def test_a_member_with_nothing_to_collect_is_a_conflict(world: World) -> None:
    closed_round(world)
    url = f"{round_url(world)}/collection/{world.member_a.pk}"
    response = send_json(world.client("coordinator"), "PUT", url, {"collected": True})
    assert response.status_code == 409
    assert response.json()["detail"] == "This member has nothing to collect in this round."
    bad = send_json(world.client("coordinator"), "PUT", url, {"collected": "yes"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "collected"


def test_the_purchase_order_as_csv_and_pdf_once_the_round_has_closed(world: World) -> None:
    client = world.client("coordinator")
    url = f"{round_url(world)}/suppliers/{world.ids['supplier_id']}/order"
    early = client.get(f"{url}.csv")
    assert early.status_code == 409
    assert early.json()["detail"] == "The order exists once the round has closed."
    closed_round(world)
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
    closed_round(world)
    other = catalog_services.supplier_create(
        group=world.b, actor=world.people["coordinator_b"], name="Farm B"
    )
    mine = catalog_services.supplier_create(
        group=world.a, actor=world.people["coordinator"], name="Mill A"
    )
    for supplier_id in (other.pk, mine.pk, 2**62):
        url = f"{round_url(world)}/suppliers/{supplier_id}/order.csv"
        response = world.client("coordinator").get(url)
        assert response.status_code == 404, supplier_id
        assert response["Content-Type"] == "application/problem+json"


# Who may -----------------------------------------------------------------------------------------
