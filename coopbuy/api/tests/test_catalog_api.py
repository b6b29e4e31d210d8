"""The catalogue through the API: members read suppliers and products, coordinators write them."""

from __future__ import annotations

from decimal import Decimal

from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import PriceTier, Product, Supplier


def _base(world: World) -> str:
    return f"/api/v1/groups/{world.a.slug}/suppliers"


def test_a_member_lists_suppliers_and_products_with_tiers_as_decimal_strings(world: World) -> None:
    client = world.client("member")
    suppliers = client.get(_base(world)).json()
    assert [s["name"] for s in suppliers["items"]] == ["Farm A"]
    assert suppliers["items"][0]["available_count"] == 1
    assert suppliers["items"][0]["order_email"] is None  # coordinators only, as on the web
    url = f"{_base(world)}/{world.ids['supplier_id']}/products"
    page = client.get(url, {"q": "oat", "available": "true"}).json()
    assert page["count"] == 1
    product = page["items"][0]
    assert product["unit_price"] == "2.00"
    assert product["tiers"] == [{"min_cases": 3, "unit_price": "1.80"}]
    assert client.get(url, {"q": "rice"}).json()["count"] == 0
    one = client.get(f"{url}/{world.ids['product_id']}").json()
    assert one == product


def test_a_coordinator_creates_and_updates_a_supplier(world: World) -> None:
    client = world.client("coordinator")
    response = client.post(
        _base(world),
        {"name": "Mill", "delivery_fee": "4.50", "order_email": "orders@mill.example"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["delivery_fee"] == "4.50" and body["order_email"] == "orders@mill.example"
    response = client.patch(
        f"{_base(world)}/{body['id']}",
        {"min_order_value": "100.00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    mill = Supplier.objects.get(pk=body["id"])
    assert mill.min_order_value == Decimal("100.00") and mill.delivery_fee == Decimal("4.50")


def test_a_taken_supplier_name_is_refused_naming_the_field(world: World) -> None:
    response = world.client("coordinator").post(
        _base(world), {"name": "farm a"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert Supplier.objects.filter(group=world.a).count() == 1


def test_a_float_price_is_refused_naming_the_field(world: World) -> None:
    url = f"{_base(world)}/{world.ids['supplier_id']}/products"
    response = world.client("coordinator").post(
        url,
        {"sku": "RICE", "name": "Rice", "case_size": 10, "unit_price": 1.5},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit_price"
    assert not Product.objects.filter(sku="RICE").exists()


def test_saving_a_product_by_sku_creates_then_replaces_it_and_its_tiers(world: World) -> None:
    client = world.client("coordinator")
    url = f"{_base(world)}/{world.ids['supplier_id']}/products"
    new = {"sku": "RICE", "name": "Rice", "case_size": 10, "unit_price": "1.50"}
    created = client.post(url, new, content_type="application/json")
    assert created.status_code == 201
    changed = {**new, "unit_price": "1.40", "tiers": [{"min_cases": 4, "unit_price": "1.30"}]}
    updated = client.post(url, changed, content_type="application/json")
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    rice = Product.objects.get(sku="RICE")
    assert rice.unit_price == Decimal("1.40")
    assert list(PriceTier.objects.filter(product=rice).values_list("min_cases", "unit_price")) == [
        (4, Decimal("1.30"))
    ]


def test_tiers_below_two_cases_are_refused_naming_tiers(world: World) -> None:
    url = f"{_base(world)}/{world.ids['supplier_id']}/products"
    body = {"sku": "OATS", "name": "Oats", "case_size": 6, "unit_price": "2.00", "vat_rate": "0.2"}
    body["tiers"] = [{"min_cases": 1, "unit_price": "1.00"}]
    response = world.client("coordinator").post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tiers.0.min_cases"
    assert Product.objects.get(sku="OATS").vat_rate == 0


def test_the_same_idempotency_key_adds_one_supplier_and_replays_the_reply(world: World) -> None:
    client = world.client("coordinator")
    replies = [
        client.post(
            _base(world),
            {"name": "Dairy"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="dairy-1",
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].json() == replies[1].json()
    assert Supplier.objects.filter(group=world.a, name="Dairy").count() == 1


def test_another_groups_supplier_is_not_found(world: World) -> None:
    url = f"/api/v1/groups/{world.b.slug}/suppliers/{world.ids['supplier_id']}/products"
    response = world.client("coordinator_b").get(url)
    assert response.status_code == 404
