"""The home on a 375 px phone: a member's first screen says what to do next and leads there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_leads_a_member_to_the_open_round(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    cora, ann, nia = make_user("Cora"), make_user("Ann"), make_user("Nia")
    group = make_group(cora, name="Calder Bulk")
    add_member(group, ann)
    supplier = make_supplier(group, name="Suma")
    make_product(supplier, name="Porridge oats", case_size=6)
    open_round(group, cora, [supplier], name="Week 49")

    page = logged_in(new_page, base, ann, width=375)
    page.goto(f"{base}/")
    now = page.locator("section.now", has_text="Calder Bulk")
    expect(now).to_contain_text("Week 49")
    expect(now).to_contain_text("Your basket is empty.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    now.get_by_role("link", name="Order now").click()
    expect(page.locator("li.product-row", has_text="Porridge oats")).to_be_visible()

    # The group's overview leads with the same panel.
    page.goto(f"{base}/g/{group.slug}/")
    expect(page.locator("section.now")).to_contain_text("Week 49")

    # Someone in no group is given a first step.
    newcomer = logged_in(new_page, base, nia, width=375)
    newcomer.goto(f"{base}/")
    expect(newcomer.get_by_role("heading", name="Your first step")).to_be_visible()
    expect(newcomer.get_by_role("link", name="Find a group near you")).to_be_visible()
