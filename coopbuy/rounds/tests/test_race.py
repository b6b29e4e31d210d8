"""A basket change racing the close: it waits for the round's lock, then sees the round closed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from coopbuy.rounds.closing import round_close
from coopbuy.rounds.errors import RoundClosed
from coopbuy.rounds.models import Allocation, DemandLine, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_a_basket_change_that_loses_the_race_changes_nothing() -> None:
    coordinator, member = make_user("Cora"), make_user("Mo")
    group = make_group(coordinator)
    add_member(group, member)
    make_product(make_supplier(group), name="Oats", case_size=2)
    round = open_round(group, coordinator, list(group.suppliers.all()))
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=member, product_id=oats.pk, quantity=2, tolerance=0)

    closing_holds_lock = threading.Event()
    release = threading.Event()
    outcome: dict[str, Any] = {}

    def close() -> None:
        try:
            with transaction.atomic():
                round_close(round=round, actor=coordinator)
                closing_holds_lock.set()
                release.wait(10)
        finally:
            connections.close_all()

    def change() -> None:
        try:
            basket_set(round=round, user=member, product_id=oats.pk, quantity=8, tolerance=0)
            outcome["result"] = "changed"
        except RoundClosed as error:
            outcome["result"] = str(error)
        finally:
            connections.close_all()

    closer = threading.Thread(target=close)
    closer.start()
    assert closing_holds_lock.wait(10)
    changer = threading.Thread(target=change)
    changer.start()
    changer.join(0.5)
    assert changer.is_alive()  # waiting for the round's row lock
    release.set()
    closer.join(10)
    changer.join(10)
    assert outcome["result"].startswith("This round closed at")
    assert list(DemandLine.objects.values_list("quantity", flat=True)) == [2]
    assert Allocation.objects.get().units == 2
