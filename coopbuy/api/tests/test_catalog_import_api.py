"""Price lists through the API as on the web: upload, paged preview, apply, refresh, discard, the
list of imports, and the catalogue's CSV export that imports back unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

import pytest
from django.test import Client

from coopbuy.api.tests.catalog_helpers import (
    FOODSOFT,
    HEADER,
    catalogue,
    patch,
    product_url,
    supplier_url,
    upload,
)
from coopbuy.api.tests.conftest import World
from coopbuy.catalog import services
from coopbuy.catalog.models import CatalogImport, Product, Supplier
from coopbuy.catalog.tests.sheets import csv_bytes, xlsx_bytes
from coopbuy.tokens.services import token_create

PRICES = csv_bytes(
    [
        HEADER,
        ["OATS", "Oats", 6, "2.20", 0, "3:1.90;6:1.80"],  # price and tiers change
        ["RICE", "Rice", 10, "1.40", 20, ""],  # new
    ]
)


def test_an_import_previews_then_applies_exactly_what_the_service_applies(world: World) -> None:
    coordinator = world.people["coordinator"]
    twin = services.supplier_create(group=world.a, actor=coordinator, name="Twin farm")
    for supplier in (Supplier.objects.get(pk=world.ids["supplier_id"]), twin):
        services.product_save(
            supplier=supplier, actor=coordinator, sku="BEANS", name="Beans", case_size=12,
            unit_price=Decimal("0.90"),
        )  # fmt: skip
    services.product_save(
        supplier=twin, actor=coordinator, sku="OATS", name="Oats", case_size=6,
        unit_price=Decimal("2.00"), tiers=[(3, Decimal("1.80"))],
    )  # fmt: skip
    client = world.client("coordinator")
    before = catalogue(Supplier.objects.get(pk=world.ids["supplier_id"]))

    response = upload(client, supplier_url(world), PRICES)
    assert response.status_code == 201, response.content
    preview = response.json()
    assert preview["status"] == "pending" and preview["file_format"] == "coopbuy"
    assert preview["filename"] == "prices.csv"
    assert preview["counts"] == {"errors": 0, "new": 1, "changed": 1, "vanished": 1}
    assert preview["new"] == [
        {"row": 3, "sku": "RICE", "name": "Rice", "case_size": 10, "unit_price": "1.40"}
    ]
    assert preview["changed"] == [
        {
            "row": 2,
            "sku": "OATS",
            "name": "Oats",
            "fields": [
                {"field": "unit_price", "old": "2.00", "new": "2.20"},
                {
                    "field": "tiers",
                    "old": [{"min_cases": 3, "unit_price": "1.80"}],
                    "new": [
                        {"min_cases": 3, "unit_price": "1.90"},
                        {"min_cases": 6, "unit_price": "1.80"},
                    ],
                },
            ],
        }
    ]
    assert preview["vanished"] == [{"sku": "BEANS", "name": "Beans"}]
    assert preview["uploaded_by"]["name"] == coordinator.name
    assert catalogue(Supplier.objects.get(pk=world.ids["supplier_id"])) == before  # not yet
    again = client.get(f"{supplier_url(world)}/imports/{preview['id']}")
    assert again.status_code == 200 and again.json() == preview

    applied = client.post(f"{supplier_url(world)}/imports/{preview['id']}/apply")
    assert applied.status_code == 200, applied.content
    assert applied.json() == {
        "id": preview["id"],
        "status": "applied",
        "created": 1,
        "updated": 1,
        "made_unavailable": 1,
    }
    direct = services.catalog_import_preview(
        supplier=twin, actor=coordinator, filename="prices.csv", content=PRICES
    )
    services.catalog_import_apply(catalog_import=direct, actor=coordinator)
    assert catalogue(Supplier.objects.get(pk=world.ids["supplier_id"])) == catalogue(twin)
    assert Product.objects.get(supplier_id=world.ids["supplier_id"], sku="OATS").unit_price == (
        Decimal("2.20")
    )
    shown = client.get(f"{supplier_url(world)}/imports/{preview['id']}").json()
    assert shown["status"] == "applied" and shown["applied_at"] is not None


def test_applying_twice_is_a_conflict_and_changes_nothing_more(world: World) -> None:
    client = world.client("coordinator")
    url = f"{supplier_url(world)}/imports/{world.ids['import_id']}/apply"
    assert client.post(url).status_code == 200
    after_first = catalogue(Supplier.objects.get(pk=world.ids["supplier_id"]))
    second = client.post(url)
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert "already applied" in second.json()["detail"]
    assert catalogue(Supplier.objects.get(pk=world.ids["supplier_id"])) == after_first


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"sku,name\x00,case_size",
        b"PK\x03\x04 not really a workbook",
        b"\x01\x02\x03 binary",
    ],
    ids=["empty", "nul-bytes", "broken-xlsx", "binary"],
)
def test_an_unreadable_file_is_422_naming_file_and_stores_nothing(
    world: World, content: bytes
) -> None:
    before = CatalogImport.objects.count()
    response = upload(world.client("coordinator"), supplier_url(world), content)
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "file"
    assert CatalogImport.objects.count() == before


def test_a_file_too_large_is_422_naming_file(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from coopbuy.catalog import import_api
    from coopbuy.catalog.imports import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    monkeypatch.setattr(import_api, "MAX_BYTES", 100)
    before = CatalogImport.objects.count()
    response = upload(world.client("coordinator"), supplier_url(world), PRICES * 10)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert "larger than" in response.json()["detail"]
    assert CatalogImport.objects.count() == before


def test_a_request_without_a_file_is_422_naming_file(world: World) -> None:
    client = world.client("coordinator")
    response = client.post(f"{supplier_url(world)}/imports", {"other": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_a_file_with_bad_rows_is_stored_invalid_with_every_error_and_cannot_be_applied(
    world: World,
) -> None:
    client = world.client("coordinator")
    content = csv_bytes([HEADER[:4], ["A", "Apples", "x", "1.00"], ["B", "Beans", "2", "-2"]])
    response = upload(client, supplier_url(world), content)
    assert response.status_code == 201
    preview = response.json()
    assert preview["status"] == "invalid"
    assert preview["counts"] == {"errors": 2, "new": 0, "changed": 0, "vanished": 0}
    assert [(e["row"], e["column"]) for e in preview["errors"]] == [
        (2, "case_size"),
        (3, "unit_price"),
    ]
    applied = client.post(f"{supplier_url(world)}/imports/{preview['id']}/apply")
    assert applied.status_code == 409
    assert not Product.objects.filter(sku__in=["A", "B"]).exists()


def test_xlsx_and_foodsoft_files_are_read_as_on_the_web(world: World) -> None:
    client = world.client("coordinator")
    rows: list[Sequence[object]] = [HEADER[:4], ["OATS", "Oats", 6, 2.2], ["RICE", "Rice", 10, 1.4]]
    response = upload(client, supplier_url(world), xlsx_bytes(rows), name="prices.xlsx")
    assert response.status_code == 201, response.content
    assert response.json()["counts"] == {"errors": 0, "new": 1, "changed": 1, "vanished": 0}
    response = upload(client, supplier_url(world), FOODSOFT.read_bytes(), name="articles.csv")
    assert response.status_code == 201
    assert response.json()["file_format"] == "foodsoft"
    assert response.json()["counts"]["new"] > 0


def test_the_same_idempotency_key_stores_one_import_and_replays_the_reply(world: World) -> None:
    client = world.client("coordinator")
    before = CatalogImport.objects.count()
    replies = [
        upload(client, supplier_url(world), PRICES, HTTP_IDEMPOTENCY_KEY="import-1")
        for _ in range(2)
    ]
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].json() == replies[1].json()
    assert CatalogImport.objects.count() == before + 1
    other = upload(
        client, supplier_url(world), PRICES + b"X,Y,1,1.00\r\n", HTTP_IDEMPOTENCY_KEY="import-1"
    )
    assert other.status_code == 422  # the same key for another file
    assert CatalogImport.objects.count() == before + 1


def test_a_stale_preview_is_not_applied_and_is_shown_as_now_when_read(world: World) -> None:
    client = world.client("coordinator")
    imports = f"{supplier_url(world)}/imports/{world.ids['import_id']}"
    assert patch(client, product_url(world), {"unit_price": "2.75"}).status_code == 200

    response = client.post(f"{imports}/apply")
    assert response.status_code == 409
    assert "changed since this preview" in response.json()["detail"]
    oats = Product.objects.get(pk=world.ids["product_id"])
    assert oats.unit_price == Decimal("2.75")
    assert not Product.objects.filter(sku="RICE").exists()

    preview = client.get(imports).json()  # against the catalogue as it is now, not stored
    assert preview["stale"] is True
    assert preview["changed"][0]["fields"] == [
        {"field": "unit_price", "old": "2.75", "new": "2.20"}
    ]
    assert client.post(f"{imports}/apply").status_code == 409  # still stale: a read stores nothing
    assert client.post(f"{imports}/refresh").status_code == 200
    assert client.post(f"{imports}/apply").status_code == 200
    oats.refresh_from_db()
    assert oats.unit_price == Decimal("2.20")


def test_refresh_compares_again_and_discard_leaves_the_catalogue(world: World) -> None:
    client = world.client("coordinator")
    imports = f"{supplier_url(world)}/imports/{world.ids['import_id']}"
    services.product_save(
        supplier=Supplier.objects.get(pk=world.ids["supplier_id"]),
        actor=world.people["coordinator"], sku="RICE", name="Rice", case_size=10,
        unit_price=Decimal("1.40"),
    )  # fmt: skip
    refreshed = client.post(f"{imports}/refresh")
    assert refreshed.status_code == 200
    assert refreshed.json()["counts"] == {"errors": 0, "new": 0, "changed": 1, "vanished": 0}
    before = catalogue(Supplier.objects.get(pk=world.ids["supplier_id"]))

    discarded = client.post(f"{imports}/discard")
    assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"
    assert CatalogImport.objects.get(pk=world.ids["import_id"]).status == "discarded"
    assert client.post(f"{imports}/apply").status_code == 409
    assert client.post(f"{imports}/refresh").status_code == 409
    assert catalogue(Supplier.objects.get(pk=world.ids["supplier_id"])) == before


def test_a_long_preview_comes_in_pages(world: World) -> None:
    client = world.client("coordinator")
    rows = [[f"P{n:04d}", f"Product {n}", 1, "1.00", 0, ""] for n in range(5000)]
    response = upload(client, supplier_url(world), csv_bytes([HEADER, *rows]))
    assert response.status_code == 201
    preview = response.json()
    assert preview["counts"]["new"] == 5000 and len(preview["new"]) == 25
    assert len(response.content) < 20_000
    assert preview["previous"] is None and "offset=25" in preview["next"]
    url = f"{supplier_url(world)}/imports/{preview['id']}"
    last = client.get(url, {"limit": 100, "offset": 4950}).json()
    assert [p["sku"] for p in last["new"]] == [f"P{n:04d}" for n in range(4950, 5000)]
    assert last["vanished"] == [] and last["next"] is None
    assert "offset=4850" in last["previous"]
    assert client.get(url, {"limit": 101}).status_code == 422


def test_a_coordinator_lists_the_suppliers_imports_newest_first(world: World) -> None:
    client = world.client("coordinator")
    newer = upload(client, supplier_url(world), PRICES, name="newer.csv").json()
    page = client.get(f"{supplier_url(world)}/imports").json()
    assert page["count"] == 2
    assert [(i["id"], i["filename"], i["status"]) for i in page["items"]] == [
        (newer["id"], "newer.csv", "pending"),
        (world.ids["import_id"], "prices.csv", "pending"),
    ]
    assert world.client("member").get(f"{supplier_url(world)}/imports").status_code == 403


def test_imports_of_another_groups_supplier_are_not_found(world: World) -> None:
    b_supplier = services.supplier_create(
        group=world.b, actor=world.people["coordinator_b"], name="Farm B"
    )
    client = world.client("coordinator")
    assert upload(client, supplier_url(world, b_supplier.pk), PRICES).status_code == 404
    url = f"/api/v1/groups/{world.b.slug}/suppliers/{b_supplier.pk}"
    assert (
        world.client("coordinator_b").get(f"{url}/imports/{world.ids['import_id']}").status_code
        == 404
    )  # A's import under B's supplier
    assert CatalogImport.objects.filter(supplier=b_supplier).count() == 0


def test_a_stale_preview_is_shown_as_now_without_storing_it(world: World) -> None:
    """Reads never write: even a read-only token's GET leaves the stored preview as it was."""
    coordinator = world.people["coordinator"]
    stored = CatalogImport.objects.get(pk=world.ids["import_id"])
    address = f"{supplier_url(world)}/imports/{stored.pk}"
    assert world.client("coordinator").get(address).json()["stale"] is False
    services.product_update(
        product=Product.objects.get(pk=world.ids["product_id"]), actor=coordinator, case_size=4
    )
    _token, secret = token_create(user=coordinator, name="reader", scope="read")
    body = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(address).json()
    assert body["stale"] is True
    assert body["changed"][0]["fields"][0] == {"field": "case_size", "old": 4, "new": 6}
    again = CatalogImport.objects.get(pk=stored.pk)
    assert (again.fingerprint, again.changes, again.status) == (
        stored.fingerprint, stored.changes, stored.status,
    )  # fmt: skip
    refreshed = world.client("coordinator").post(f"{address}/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["stale"] is False
    assert CatalogImport.objects.get(pk=stored.pk).fingerprint != stored.fingerprint
    assert world.client("coordinator").get(address).json()["stale"] is False


def test_the_import_schemas_keep_their_own_names_in_the_openapi_document(world: World) -> None:
    """Two schemas with one name share one entry, and one area's replies would be checked
    against the other's: the catalogue's are prefixed."""
    schemas = world.client("member").get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"counts", "changed", "vanished"} <= set(schemas["CatalogImportOut"]["properties"])
    assert "made_unavailable" in schemas["CatalogImportAppliedOut"]["properties"]
    assert set(schemas["CatalogFieldChange"]["properties"]) == {"field", "old", "new"}


# Export ------------------------------------------------------------------------------------------


def test_a_member_exports_the_catalogue_as_csv_that_imports_again_unchanged(world: World) -> None:
    response = world.client("member").get(f"{supplier_url(world)}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="farm-a-catalogue.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["sku", "name", "category", "unit"]
    assert [row[0] for row in rows[1:]] == ["OATS"]
    preview = upload(world.client("coordinator"), supplier_url(world), response.content).json()
    assert preview["counts"] == {"errors": 0, "new": 0, "changed": 0, "vanished": 0}


def test_an_outsider_cannot_export(world: World) -> None:
    response = world.client("outsider").get(f"{supplier_url(world)}/export.csv")
    assert response.status_code == 404
