"""The federation's receiving page (htmx) and API operations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.ledger.models import Transaction
from coopbuy.pooled.models import PooledReceiving
from coopbuy.pooled.tests.factories import child_of, make_world
from coopbuy.pooled.tests.test_payments import _api, _send
from coopbuy.pooled.tests.test_receiving import charges, clean_books, closed
from coopbuy.pooled.tests.test_receiving_invoice import with_tolerance
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.receiving import round_receive_product

pytestmark = pytest.mark.django_db

D = Decimal


def _form(w: Any, session: str, oats: str, beans: str = "4") -> dict[str, str]:
    return {
        "session": session,
        f"units_{w.oats.pk}": oats,
        f"units_{w.beans.pk}": beans,
        "note": "Two oats missing",
    }


def test_the_page_records_a_session_once_and_names_a_bad_field() -> None:
    w = make_world()
    pool = closed(w)
    client = Client()
    client.force_login(w.fay)
    url = reverse("pooled:receive", args=[w.federation.slug, pool.pk])
    page = client.get(url).content.decode()
    assert "<legend>Oats <span" in page
    assert f'<label for="id_units_{w.oats.pk}">Units that arrived</label>' in page
    assert f'<label for="id_price_{w.oats.pk}">Price per unit on the invoice' in page
    assert f'<label for="id_substitute_{w.oats.pk}">Substituted by' in page
    assert 'hx-post="' in page and "6 units ordered" in page
    # A bad figure, through htmx: the section comes back with the field's error, nothing saved.
    bad = client.post(url, _form(w, "s1", "-1"), headers={"HX-Request": "true"})
    text = bad.content.decode()
    assert bad.status_code == 200 and 'id="pool-receive"' in text and "<html" not in text
    assert f'id="id_units_{w.oats.pk}_error"' in text
    assert not PooledReceiving.objects.exists()
    ok = client.post(url, _form(w, "s1", "4"))
    assert ok.status_code == 302
    count = Transaction.objects.count()
    again = client.post(url, _form(w, "s1", "4"))  # the same form sent twice
    assert again.status_code == 302 and Transaction.objects.count() == count
    assert PooledReceiving.objects.get().note == "Two oats missing"
    assert charges(w)["cat"] == (D("0.00"), D("0.00"), D("0.00"))
    clean_books()
    detail = client.get(reverse("pooled:detail", args=[w.federation.slug, pool.pk]))
    assert "0 (short: 1 ordered)" in detail.content.decode()


def test_a_member_groups_coordinator_cannot_receive_for_the_federation() -> None:
    w = make_world()
    pool = closed(w)
    client = Client()
    client.force_login(w.coordinators[0])
    url = reverse("pooled:receive", args=[w.federation.slug, pool.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form(w, "s1", "4")).status_code == 404
    assert not PooledReceiving.objects.exists()


def test_receiving_through_the_api() -> None:
    w = make_world()
    pool = closed(w)
    fay = _api(w.fay)
    url = f"/federations/{w.federation.slug}/pooled-rounds/{pool.pk}/receiving"
    state = _send(fay, url).json()
    assert state["can_receive"] is True
    assert [(x["name"], x["units"]) for x in state["expected"]] == [("Beans", 4), ("Oats", 6)]
    bad = _send(fay, url, {"lines": [{"product_id": w.oats.pk, "units_received": -1}]}, key="a")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["lines.0.units_received"]
    unknown = _send(fay, url, {"lines": [{"product_id": 999999, "units_received": 1}]}, key="b")
    assert [e["field"] for e in unknown.json()["errors"]] == ["lines[0].product_id"]
    assert not PooledReceiving.objects.exists()
    body = {"lines": [{"product_id": w.oats.pk, "units_received": 4}], "note": "short"}
    done = _send(fay, url, body, key="k1")
    assert done.status_code == 201, done.content
    assert done.json()["members_told"] == 3
    count = Transaction.objects.count()
    assert _send(fay, url, body, key="k1").json()["id"] == done.json()["id"]
    assert Transaction.objects.count() == count
    clean_books()
    # Once a group receives its drop, the federation's receiving is closed (409).
    child = child_of(pool, w.groups[0])
    oats = RoundProduct.objects.get(round=child, product=w.oats)
    round_receive_product(
        round=child, actor=w.coordinators[0], product_id=oats.pk, units_received=3
    )
    late = _send(fay, url, {"lines": [{"product_id": w.oats.pk, "units_received": 3}]}, key="k2")
    assert late.status_code == 409
    assert _send(fay, url).json()["can_receive"] is False
    assert _send(_api(w.coordinators[0]), url).status_code == 404


def test_a_groups_coordinator_receives_its_drop_through_the_rounds_api() -> None:
    w = make_world()
    pool = closed(w)
    child = child_of(pool, w.groups[0])
    cora = _api(w.coordinators[0])
    url = f"/groups/{w.groups[0].slug}/rounds/{child.pk}/receiving"
    listed = {p["name"]: p for p in _send(cora, url).json()["items"]}
    assert (listed["Oats"]["drop_units"], listed["Oats"]["units_ordered"]) == (3, 6)
    oats = listed["Oats"]["id"]
    too_many = _send(cora, url, {"product": oats, "units_received": 4})
    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["units_received"]
    done = _send(cora, url, {"product": oats, "units_received": 2}, key="d1")
    assert done.status_code == 200, done.content
    assert (done.json()["received_units"], done.json()["drop_units"]) == (2, 3)
    assert charges(w)["ann"] == (D("12.00"), D("5.25"), D("17.25"))
    clean_books()


def test_the_page_records_a_price_a_substitute_and_shows_the_federations_leftover() -> None:
    w = make_world()
    pool = with_tolerance(w)
    client = Client()
    client.force_login(w.fay)
    url = reverse("pooled:receive", args=[w.federation.slug, pool.pk])
    form = {
        "session": "s1",
        f"units_{w.oats.pk}": "9",
        f"price_{w.oats.pk}": "-1",
        f"substitute_{w.oats.pk}": "Jumbo oats",
    }
    bad = client.post(url, form, headers={"HX-Request": "true"})
    assert f'id="id_price_{w.oats.pk}_error"' in bad.content.decode()
    assert not PooledReceiving.objects.exists()
    form[f"price_{w.oats.pk}"] = "2.50"
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert "The federation's leftover" in page and "1 unit of Oats" in page
    assert "Substituted by Jumbo oats" in page and "£3.00 → £2.50" in page
    assert "Recorded so far: Jumbo oats" in page
    assert charges(w)["ann"][0] == D("12.50")  # 5 x 2.50
    clean_books()


def test_the_api_takes_an_invoice_price_and_a_substitute_and_lists_the_leftover() -> None:
    w = make_world()
    pool = with_tolerance(w)
    fay = _api(w.fay)
    url = f"/federations/{w.federation.slug}/pooled-rounds/{pool.pk}/receiving"
    line = {"product_id": w.oats.pk, "units_received": 9, "invoice_unit_price": "2.999"}
    bad = _send(fay, url, {"lines": [line]}, key="a")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["lines.0.invoice_unit_price"]
    line |= {"invoice_unit_price": "2.50", "substitute_name": "Jumbo oats"}
    done = _send(fay, url, {"lines": [line]}, key="k1")
    assert done.status_code == 201, done.content
    out = done.json()["lines"][0]
    assert {k: out[k] for k in ("kind", "old_unit_price", "new_unit_price", "substitute_name",
                                "leftover_units")} == {
        "kind": "substituted", "old_unit_price": "3.00", "new_unit_price": "2.50",
        "substitute_name": "Jumbo oats", "leftover_units": 1,
    }  # fmt: skip
    state = _send(fay, url).json()
    assert state["leftovers"] == [{"name": "Oats", "units": 1}]
    assert [(x["units"], x["unit_price"], x["substitute_name"]) for x in state["expected"]] == [
        (8, "2.50", "Jumbo oats")
    ]
    clean_books()
