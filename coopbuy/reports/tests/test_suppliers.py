"""Suppliers' shortages and lead times: written with the round's figures, rebuilt and checked,
shown on the group report beside their table, exported and in the API."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from coopbuy.reports.models import SupplierRoundFigures
from coopbuy.reports.services import reports_check, reports_rebuild
from coopbuy.reports.suppliers import ProductReceipt, lead_days, summarise, supplier_rows
from coopbuy.rounds.models import Round
from coopbuy.rounds.receiving import round_receive_product, round_receiving_done
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

from .test_figures import closed_round
from .test_pages import client_for

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_rows_count_what_did_not_arrive_per_supplier_once_received() -> None:
    products = [
        ProductReceipt(1, 12, 10),  # 2 short
        ProductReceipt(1, 6, 8),  # 2 extra: does not make up for the other's shortage
        ProductReceipt(2, 4, None),  # untouched at receiving: arrived as ordered
        ProductReceipt(3, 0, None),  # nothing ordered from supplier 3
    ]
    suppliers = [(1, "Suma"), (2, "Bread Co"), (3, "Unused")]
    rows = supplier_rows(
        round_id=7, group_id=1, closed_at=T0, ordered_at=T0 + timedelta(hours=2),
        received_at=T0 + timedelta(days=3, hours=14), suppliers=suppliers, products=products,
    )  # fmt: skip
    got = [(r["name"], r["ordered_units"], r["received_units"], r["short_units"]) for r in rows]
    assert got == [("Bread Co", 4, 4, 0), ("Suma", 18, 18, 2)]
    assert {r["lead_days"] for r in rows} == {D("3.5")}  # from the order, not the close
    waiting = supplier_rows(
        round_id=7, group_id=1, closed_at=T0, ordered_at=None, received_at=None,
        suppliers=suppliers, products=products,
    )  # fmt: skip
    assert [(r["received_units"], r["short_units"], r["lead_days"]) for r in waiting] == [
        (None, None, None),
        (None, None, None),
    ]


def test_lead_days_round_half_up_and_never_go_below_zero() -> None:
    assert lead_days(T0, T0 + timedelta(hours=36)) == D("1.5")
    assert lead_days(T0, T0 + timedelta(hours=1, minutes=12)) == D("0.1")  # 0.05 rounds up
    assert lead_days(T0, T0 - timedelta(days=1)) == D("0.0")


def test_the_summary_weighs_units_and_takes_the_median_lead_time() -> None:
    def row(name: str, ordered: int, short: int | None, lead: str | None) -> SupplierRoundFigures:
        received = None if short is None else ordered - short
        return SupplierRoundFigures(
            name=name, ordered_units=ordered, received_units=received, short_units=short,
            lead_days=None if lead is None else D(lead), closed_at=T0,
        )  # fmt: skip

    rows = [
        row("Suma", 100, 4, "2.0"),
        row("Suma", 50, 2, "5.0"),
        row("Suma", 30, 0, "3.0"),
        row("Suma", 10, None, None),  # not received: counted as a round ordered only
        row("Bakery", 20, 0, "1.0"),
    ]
    suma, bakery = summarise(rows)
    assert (suma.rounds, suma.received_rounds, suma.ordered_units, suma.short_units) == (
        4, 3, 180, 6,
    )  # fmt: skip
    assert suma.short_share == D("0.033")  # 6 / 180
    assert (suma.median_lead_days, suma.longest_lead_days) == (D("3.0"), D("5.0"))
    assert (bakery.short_units, bakery.short_share) == (0, D("0.000"))


def test_a_short_delivery_is_recorded_at_receiving_and_the_check_agrees() -> None:
    s = closed_round()
    row = SupplierRoundFigures.objects.get(round=s["round"])
    assert (row.ordered_units, row.received_units, row.short_units) == (12, None, None)
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=10)  # fmt: skip
    round_receiving_done(round=s["round"], actor=s["cora"])
    round = Round.objects.get(pk=s["round"].pk)
    row = SupplierRoundFigures.objects.get(round=round)
    assert (row.ordered_units, row.received_units, row.short_units) == (12, 10, 2)
    assert round.received_at is not None and round.closed_at is not None
    assert row.lead_days == lead_days(round.ordered_at or round.closed_at, round.received_at)
    assert reports_check() == []
    # A tampered row is found, and a rebuild repairs it.
    SupplierRoundFigures.objects.filter(pk=row.pk).update(short_units=0)
    assert [(d.supplier, d.field, d.stored) for d in reports_check()] == [
        (row.name, "short_units", 0)
    ]
    reports_rebuild()
    assert reports_check() == []


def test_the_report_shows_the_finding_its_table_the_exports_and_the_api() -> None:
    s = closed_round()
    round_receive_product(round=s["round"], actor=s["cora"], product_id=s["oats"].pk,
                          units_received=9)  # fmt: skip
    round_receiving_done(round=s["round"], actor=s["cora"])
    name = SupplierRoundFigures.objects.get().name
    ann = client_for(s["members"][0].user)
    slug = s["group"].slug
    html = ann.get(reverse("reports:group", args=[slug])).content.decode()
    assert f"{name} delivered 25 % short: 3 of 12 units" in html
    assert 'aria-labelledby="suppliers-title suppliers-title-desc"' in html
    assert "Units short per supplier" in html and "3 / 12" in html
    exported = ann.get(reverse("reports:suppliers_file", args=[slug, "csv"]))
    table = list(csv.reader(io.StringIO(exported.content.decode())))
    assert table[1][:6] == [name, "1", "1", "12", "3", "0.250"]
    assert ann.get(reverse("reports:suppliers_file", args=[slug, "xlsx"])).status_code == 200
    _token, secret = token_create(user=s["members"][0].user, name="t")
    api = f"/api/v1/groups/{slug}/reports/suppliers"
    answer = ann.get(api, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 200
    assert answer.json()[0] | {"median_lead_days": None, "longest_lead_days": None} == {
        "name": name, "rounds_ordered": 1, "rounds_received": 1,
        "units_ordered_in_received_rounds": 12, "units_short": 3, "share_short": "0.250",
        "median_lead_days": None, "longest_lead_days": None,
    }  # fmt: skip


def test_outsiders_get_no_supplier_figures() -> None:
    s = closed_round()
    stranger = client_for(make_user("Stranger"))
    slug = s["group"].slug
    assert stranger.get(reverse("reports:suppliers_file", args=[slug, "csv"])).status_code in (
        403, 404,
    )  # fmt: skip
