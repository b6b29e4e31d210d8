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
    assert f'<label for="id_units_{w.oats.pk}">Oats</label>' in page
    assert 'hx-post="' in page and "6 units ordered" in page
    # A bad figure, through htmx: the section comes back with the field's error, nothing saved.
    bad = client.post(url, _form(w, "s1", "7"), headers={"HX-Request": "true"})
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
    bad = _send(fay, url, {"lines": [{"product_id": w.oats.pk, "units_received": 9}]}, key="a")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["lines[0].units_received"]
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
