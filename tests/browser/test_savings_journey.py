"""A member reads "My savings" on a phone (375 px): the chart's finding, its bars, its table."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coopbuy.reports.tests.test_figures import closed_round

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_their_savings_chart_and_table_on_a_phone(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    s = closed_round()
    page = logged_in(new_page, base, s["members"][0].user, width=375)
    page.goto(f"{base}/g/{s['group'].slug}/rounds/{s['round'].pk}/")
    page.get_by_role("link", name="My savings over the year").click()
    chart = page.get_by_role(
        "img", name="You saved £4.20 against buying alone and £4.20 against retail in 1 rounds"
    )
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 375  # the chart fits the phone's width
    table = page.get_by_role("table").first
    expect(table.get_by_role("cell", name="£4.20")).to_be_visible()
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_overflow)
