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

from .test_every_page_on_a_phone import AXE, AXE_RUN, WIDTH, _listen
from .test_round_journey import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert page.evaluate(AXE_RUN) == []


def test_receiving_a_pooled_round_on_a_phone(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    w = make_world()
    pool = closed(w)
    page = logged_in(new_page, base, w.fay, width=WIDTH)
    page.add_init_script(path=str(AXE))
    errors: list[str] = []
    _listen(page, errors)
    page.goto(f"{base}/federations/{w.federation.slug}/pooled/{pool.pk}/")
    page.get_by_role("link", name="Record what arrived").click()
    page.wait_for_load_state("networkidle")
    _fits(page)
    oats_in = page.get_by_role("group", name="Oats")
    oats_in.get_by_label("Units that arrived").fill("4")
    oats_in.get_by_label("Price per unit on the invoice").fill("2.80")
    oats_in.get_by_label("Substituted by").fill("Jumbo oats")
    page.get_by_role("button", name="Record what arrived").click()
    page.get_by_role("status").wait_for()
    assert "3 members were told" in page.get_by_role("status").inner_text()
    assert PooledReceiving.objects.count() == 1
    assert "Substituted by Jumbo oats" in page.content()
    _fits(page)
    # Group A's coordinator receives its drop: 2 of the 3 oats the federation sent.
    cora = logged_in(new_page, base, w.coordinators[0], width=WIDTH)
    cora.add_init_script(path=str(AXE))
    _listen(cora, errors)
    child = child_of(pool, w.groups[0])
    cora.goto(f"{base}/g/{w.groups[0].slug}/rounds/{child.pk}/receive/")
    _fits(cora)
    assert "3 units in your drop" in cora.content()
    assert "Jumbo oats" in cora.content()
    oats = cora.locator("li", has_text="Oats")
    oats.get_by_label("Units that arrived").fill("2")
    oats.get_by_role("button", name="Record Oats").click()
    cora.wait_for_load_state("networkidle")
    assert ReceivingRecord.objects.get().units_received == 2
    _fits(cora)
    assert errors == []
