"""What people read in email: subjects and plain text unescaped, amounts in the one format."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string

from coopbuy.outbox.models import OutboxMessage
from coopbuy.rounds.closing import round_close, round_send_order
from coopbuy.rounds.documents import purchase_order
from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _closed() -> dict[str, Any]:
    cora, ann = make_user("Cora"), make_user("Ann O'Neil")
    group = make_group(cora, name="Bob's <Bulk> & Co")
    group.place = "Hebden Bridge"
    group.save()
    add_member(group, ann)
    supplier = make_supplier(group, name="Suma & Sons")
    make_product(supplier, name='Oats "rolled"', case_size=2, unit_price=Decimal("1234.50"))
    round = open_round(group, cora, [supplier], name="This week's order")
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=2, tolerance=0)
    round_close(round=round, actor=cora)
    return {"round": round, "cora": cora, "ann": ann, "group": group}


def test_result_email_subject_and_body_are_plain_text() -> None:
    _closed()
    mail = OutboxMessage.objects.get(subject__contains="has closed")
    assert mail.subject == "This week's order has closed: what you get from Bob's <Bulk> & Co"
    assert "&#x27;" not in mail.body and "&amp;" not in mail.body and "&quot;" not in mail.body
    assert '- Oats "rolled": 2 of 2 (£2,469.00)' in mail.body
    assert "Total: £2,469.00" in mail.body


def test_the_order_email_and_purchase_order_carry_a_number_date_and_contact() -> None:
    s = _closed()
    round = s["round"]
    round_send_order(round=round, actor=s["cora"])
    mail = OutboxMessage.objects.get(subject__startswith="Order from")
    assert mail.subject == "Order from Bob's <Bulk> & Co (This week's order)"
    order = purchase_order(round, round.suppliers.get())
    assert f"Order number: {order.number}" in mail.body
    assert "Total: £2,469.00" in mail.body and "&" in mail.body
    html = render_to_string("rounds/pdf/purchase_order.html", {"order": order, "group": s["group"]})
    assert order.number.startswith("PO-") and order.number in html
    assert order.dated.strftime("%Y") in html
    assert "Hebden Bridge" in html and "cora" in html.lower()  # the coordinator to contact
    assert "£2,469.00" in html
