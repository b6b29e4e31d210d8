"""The pooled order's email to the supplier lists the order and each group's drop."""

from __future__ import annotations

import pytest

from coopbuy.outbox.models import OutboxMessage
from coopbuy.pooled.services import pooled_round_mark_ordered
from coopbuy.pooled.tests.factories import make_world
from coopbuy.pooled.tests.test_receiving import closed

pytestmark = pytest.mark.django_db


def _to_supplier() -> list[OutboxMessage]:
    return [m for m in OutboxMessage.objects.order_by("pk") if "orders@supplier.example" in m.to]


def test_sending_the_pooled_order_emails_the_supplier_once_with_the_drops() -> None:
    w = make_world()
    pool = closed(w)
    assert _to_supplier() == []  # the close sends members their results, not the order
    pooled_round_mark_ordered(pool=pool, actor=w.fay)
    pooled_round_mark_ordered(pool=pool, actor=w.fay)  # already ordered: nothing more
    [mail] = _to_supplier()
    assert mail.subject == "Order from " + w.federation.name + " (Pooled November)"
    body = mail.body
    assert "Oats: 1 \u00d7 6 (6 units at £3.00)" in body
    assert "Beans: 1 \u00d7 4 (4 units at £1.50)" in body
    assert "Total: £24.00" in body
    drops = body.split("The drops: what each group receives", 1)[1]
    blocks = [b.strip().splitlines() for b in drops.split("\n\n") if b.strip()][:3]
    got = [(b[0], [line.strip() for line in b[1:]]) for b in blocks]
    beans, oats = f"{w.beans.sku}  Beans", f"{w.oats.sku}  Oats"
    assert got == [
        ("Group A", [f"{beans}: 4", f"{oats}: 3"]),
        ("Group B", [f"{oats}: 2"]),
        ("Group C", [f"{oats}: 1"]),
    ]
    assert "Fay Federation" in body


def test_a_supplier_without_an_email_for_orders_gets_none() -> None:
    w = make_world()
    w.supplier.order_email = ""
    w.supplier.save(update_fields=["order_email"])
    pool = closed(w)
    before = OutboxMessage.objects.count()
    pooled_round_mark_ordered(pool=pool, actor=w.fay)
    assert OutboxMessage.objects.count() == before
