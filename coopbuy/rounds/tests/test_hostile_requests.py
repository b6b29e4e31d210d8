"""Requests made to break the round pages: a message or a 404, never a 500, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import ReceivingRecord, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed() -> dict[str, Any]:
    coordinator, member = make_user("Cora"), make_user("Mo")
    group = make_group(coordinator)
    add_member(group, member)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=6)
    round = open_round(group, coordinator, [supplier])
    oats = RoundProduct.objects.get(round=round, name="Oats")
    basket_set(round=round, user=member, product_id=oats.pk, quantity=6, tolerance=0)
    round_close(round=round, actor=coordinator)
    client = Client()
    client.force_login(coordinator)
    return {"group": group, "round": round, "oats": oats, "client": client}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"product": "abc", "units_received": "5"}, "Choose a product of this round."),
        ({"product": "9" * 30, "units_received": "5"}, "Choose a product of this round."),
        ({"product": "", "units_received": "5"}, "Choose a product of this round."),
        ({"units_received": "9" * 30}, "Check the figures for Oats."),
        ({"units_received": "5", "invoice_unit_price": "9" * 30}, "Check the figures for Oats."),
        ({"units_received": "5", "invoice_unit_price": "1e999999"}, "Check the figures for Oats."),
        ({"units_received": "-1"}, "Check the figures for Oats."),
    ],
)
def test_the_receiving_form_refuses_nonsense_with_a_message(
    closed: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    fields = {"product": str(closed["oats"].pk), **fields}
    url = reverse("rounds:receive", args=[closed["group"].slug, closed["round"].pk])
    response = closed["client"].post(url, fields)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert not ReceivingRecord.objects.exists()


@pytest.mark.parametrize("kind", ["csv\r\nX-Evil: 1", 'csv"', "txt", "csv%0d%0a"])
def test_a_purchase_order_of_another_kind_is_not_found(closed: dict[str, Any], kind: str) -> None:
    round, group = closed["round"], closed["group"]
    supplier = round.suppliers.get()
    url = reverse("rounds:purchase_order", args=[group.slug, round.pk, supplier.pk, "csv"])
    response = closed["client"].get(url[: -len("csv")] + kind)
    assert response.status_code == 404
    assert "X-Evil" not in response


def test_a_supplier_name_with_quotes_and_line_breaks_makes_a_safe_file_name(
    closed: dict[str, Any],
) -> None:
    round, group = closed["round"], closed["group"]
    supplier = round.suppliers.get()
    supplier.name = 'Farm "A"\r\nX-Evil: 1'
    supplier.save(update_fields=["name"])
    url = reverse("rounds:purchase_order", args=[group.slug, round.pk, supplier.pk, "csv"])
    response = closed["client"].get(url)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and disposition.count('"') == 2
