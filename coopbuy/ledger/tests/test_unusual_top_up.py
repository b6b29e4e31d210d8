"""A top-up far above the group's usual one is asked about once more before it is recorded."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.ledger import selectors
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, key

pytestmark = pytest.mark.django_db


def hidden_fields(html: bytes) -> dict[str, str]:
    return {
        name.decode(): value.decode()
        for name, value in re.findall(rb'type="hidden" name="([\w-]+)" value="([^"]*)"', html)
        if name != b"csrfmiddlewaretoken"
    }


def post_top_up(client: Client, url: str, world: World, amount: str, fields: dict[str, str]):
    data = {"membership": world.alice.pk, "amount": amount, "method": "bank", "reference": "",
            "booked_on": "", **fields}  # fmt: skip
    return client.post(url, data)


def test_fifty_times_the_median_top_up_asks_once_more_then_records(world: World) -> None:
    for amount in ("20.00", "25.00", "30.00"):
        ledger_top_up(membership=world.bob, amount=D(amount), method="bank",
                      actor=world.treasurer, idempotency_key=key())  # fmt: skip
    client = Client()
    client.force_login(world.treasurer)
    url = reverse("ledger:top_up", args=[world.group.slug])
    fields = hidden_fields(client.get(url).content)

    asked = post_top_up(client, url, world, "12345678.99", fields)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "£12,345,678.99 is far more than the usual top-up of £25.00" in html
    assert selectors.balance_of(membership=world.alice) == D("0.00")

    # changing the amount asks again; pressing Record again with the same amount records it
    changed = post_top_up(client, url, world, "1300.00", hidden_fields(asked.content))
    assert "£1,300.00 is far more than the usual top-up" in changed.content.decode()
    done = post_top_up(client, url, world, "1300.00", hidden_fields(changed.content))
    assert done.status_code == 302
    assert selectors.balance_of(membership=world.alice) == D("1300.00")
    assert Transaction.objects.filter(group=world.group, kind="top_up").count() == 4


def test_a_usual_top_up_is_recorded_at_once(world: World) -> None:
    client = Client()
    client.force_login(world.treasurer)
    url = reverse("ledger:top_up", args=[world.group.slug])
    done = post_top_up(client, url, world, "40.00", hidden_fields(client.get(url).content))
    assert done.status_code == 302
    assert selectors.balance_of(membership=world.alice) == D("40.00")


def test_without_history_a_large_top_up_is_asked_about(world: World) -> None:
    threshold, usual = selectors.unusual_top_up_threshold(group=world.group)
    assert (threshold, usual) == (D("1000.00"), None)
    client = Client()
    client.force_login(world.treasurer)
    url = reverse("ledger:top_up", args=[world.group.slug])
    asked = post_top_up(client, url, world, "5000.00", hidden_fields(client.get(url).content))
    assert "£5,000.00 is a large top-up" in asked.content.decode()
