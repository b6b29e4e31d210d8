"""Receiving a pooled round on a phone (375 px): the federation's coordinator records a short
delivery of a substitute at a new invoice price through htmx, then a group's coordinator
receives its drop; no sideways scrolling, no console error, no serious accessibility violation
(axe-core)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from coopbuy.pooled.models import PooledReceiving
from coopbuy.pooled.tests.factories import child_of, make_world
from coopbuy.pooled.tests.test_receiving import closed
from coopbuy.rounds.models import ReceivingRecord

from .phone import fits, phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_receiving_a_pooled_round_on_a_phone(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    w = make_world()
    pool = closed(w)
    errors: list[str] = []
    page = phone(new_page, base, w.fay, errors)
    page.goto(f"{base}/federations/{w.federation.slug}/pooled/{pool.pk}/")
    page.get_by_role("link", name="Record what arrived").click()
    fits(page)
    oats_in = page.get_by_role("group", name="Oats")
    oats_in.get_by_label("Units that arrived").fill("4")
    oats_in.get_by_label("Price per unit on the invoice").fill("2.80")
    oats_in.get_by_label("Substituted by").fill("Jumbo oats")
    page.get_by_role("button", name="Record what arrived").click()
    page.get_by_role("status").wait_for()
    assert "3 members were told" in page.get_by_role("status").inner_text()
    assert PooledReceiving.objects.count() == 1
    assert "Substituted by Jumbo oats" in page.content()
    fits(page)
    # Group A's coordinator receives its drop: 2 of the 3 oats the federation sent.
    cora = phone(new_page, base, w.coordinators[0], errors)
    child = child_of(pool, w.groups[0])
    cora.goto(f"{base}/g/{w.groups[0].slug}/rounds/{child.pk}/receive/")
    fits(cora)
    assert "3 units in your drop" in cora.content()
    assert "Jumbo oats" in cora.content()
    oats = cora.locator("li", has_text="Oats")
    oats.get_by_label("Units that arrived").fill("2")
    oats.get_by_role("button", name="Record Oats").click()
    cora.wait_for_load_state("networkidle")
    assert ReceivingRecord.objects.get().units_received == 2
    fits(cora)
    assert errors == []
