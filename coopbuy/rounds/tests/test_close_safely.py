"""Closing and cancelling ask first: what closing would do (by the close's own engine), a reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.audit.models import AuditEvent
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Allocation, DemandLine, Round, RoundProduct
from coopbuy.rounds.preclose import close_preview
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    cora, ann, ben = make_user("Cora"), make_user("Ann"), make_user("Ben")
    group = make_group(cora)
    add_member(group, ann)
    add_member(group, ben)
    suma = make_supplier(group, name="Suma", min_order_value=Decimal("250.00"))
    farm = make_supplier(
        group, name="Farm", delivery_fee=Decimal("5.00"), free_delivery_over=Decimal("50.00")
    )
    make_product(suma, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    make_product(farm, name="Kale", case_size=6, unit_price=Decimal("1.00"))
    round = open_round(group, cora, [suma, farm])
    oats = RoundProduct.objects.get(round=round, name="Oats")
    kale = RoundProduct.objects.get(round=round, name="Kale")
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=6, tolerance=0)
    basket_set(round=round, user=ann, product_id=kale.pk, quantity=4, tolerance=0)
    basket_set(round=round, user=ben, product_id=kale.pk, quantity=4, tolerance=0)
    return {"group": group, "cora": cora, "ann": ann, "ben": ben, "round": round}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_preview_is_what_the_close_then_does(world: dict[str, Any]) -> None:
    round = world["round"]
    preview = close_preview(round=round)
    by_name = {s.name: s for s in preview.suppliers}
    assert by_name["Suma"].below_minimum and by_name["Suma"].asked == Decimal("12.00")
    assert by_name["Suma"].missing == Decimal("238.00") and by_name["Suma"].cases == 0
    assert by_name["Farm"].ordered and by_name["Farm"].cases == 1
    short = {(line.member, line.product): line for line in preview.short}
    assert short[("Ann", "Oats")].code == "supplier_minimum_not_reached"
    assert short[("Ben", "Kale")].received == 2  # earlier orders (Ann's) filled the case first
    assert short[("Ben", "Kale")].reason == "earlier orders filled the cases"
    assert (preview.members, preview.members_short, preview.members_nothing) == (2, 2, 0)
    assert not Allocation.objects.exists()  # the preview saved nothing
    round_close(round=round, actor=world["cora"])
    got = {
        (a.membership.user.name, a.product.name): a.units
        for a in Allocation.objects.select_related("membership__user", "product")
    }
    assert got == {("Ann", "Oats"): 0, ("Ann", "Kale"): 4, ("Ben", "Kale"): 2}


def test_close_shows_the_summary_and_closes_only_when_confirmed(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    client = _client(world["cora"])
    url = reverse("rounds:action", args=[group.slug, round.pk, "close"])
    page = client.get(url).content.decode()
    assert "below the minimum order of £250.00 (£238.00 short)" in page
    assert "2 members are told what they get and charged at once." in page
    assert "earlier orders filled the cases" in page
    refused = client.post(url)
    assert refused.status_code == 200
    assert "Tick the box to say you have read what closing does." in refused.content.decode()
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Round.objects.get(pk=round.pk).status == Round.Status.CLOSED


def test_a_close_that_orders_nothing_says_so(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    DemandLine.objects.filter(product__name="Kale").delete()
    page = _client(world["cora"]).get(
        reverse("rounds:action", args=[group.slug, round.pk, "close"])
    )
    html = page.content.decode()
    assert "Closing now orders nothing: 1 member gets nothing and is told so at once." in html
    assert "Close and order nothing" in html


def test_members_cannot_reach_the_close_page(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    url = reverse("rounds:action", args=[group.slug, round.pk, "close"])
    assert _client(world["ann"]).get(url).status_code == 403
    assert _client(world["ann"]).post(url, {"confirm": "on"}).status_code == 403
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN


def test_cancel_needs_a_reason_and_a_tick_and_keeps_the_reason(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    client = _client(world["cora"])
    url = reverse("rounds:action", args=[group.slug, round.pk, "cancel"])
    assert "2 members have a basket in this round." in client.get(url).content.decode()
    refused = client.post(url, {"reason": "   ", "confirm": "on"}).content.decode()
    assert "Say why the round is cancelled." in refused
    unticked = client.post(url, {"reason": "Supplier closed"}).content.decode()
    assert "Tick the box to confirm the cancellation." in unticked
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    done = client.post(url, {"reason": "Suma closed for stocktaking", "confirm": "on"})
    assert done.status_code == 302
    assert Round.objects.get(pk=round.pk).status == Round.Status.CANCELLED
    event = AuditEvent.objects.get(action="round.cancelled")
    assert event.data["reason"] == "Suma closed for stocktaking"
    assert "Suma closed for stocktaking" in event.summary


def test_settle_is_secondary_until_the_delivery_is_received(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    round_close(round=round, actor=world["cora"])
    Round.objects.filter(pk=round.pk).update(status=Round.Status.ORDERED)
    page = _client(world["cora"]).get(reverse("rounds:detail", args=[group.slug, round.pk]))
    html = page.content.decode()
    assert '<button class="secondary" aria-describedby="settle-help">' in html
    assert "Receive the delivery first" in html
    assert 'class="button" href="/g/' in html  # receiving is the primary action
