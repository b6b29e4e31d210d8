"""A newcomer, signed out, on a phone (375 px), finds a group by postcode: the list and the map,
then by the browser's location; nothing near a far town leads to registering interest."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from coopbuy.testing.factories import make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("COOPBUY_TEST_ARTIFACTS", "test-artifacts"))
PHONE = {"width": 375, "height": 812}


def seed() -> None:
    for name, lat, lon in (
        ("Hebden Bridge Wholefoods", "53.7409", "-2.0134"),
        ("Todmorden Pantry", "53.7137", "-2.0970"),
        ("Leeds Larder", "53.7997", "-1.5492"),
    ):
        make_group(name=name, latitude=Decimal(lat), longitude=Decimal(lon),
                   description=f"{name}: households ordering dry goods together.")  # fmt: skip


def test_a_signed_out_newcomer_finds_a_group_by_postcode_on_a_phone(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    settings.MAP_TILES_URL = ""  # type: ignore[attr-defined]  # no network: a plain background
    seed()
    base = str(live_server.url)  # type: ignore[attr-defined]
    page = new_page(**PHONE)
    page.goto(f"{base}/")
    page.get_by_role("link", name="Find a group near you").click()
    page.get_by_label("Postcode or town").fill("HX7 8AD")
    page.get_by_label("Within").select_option("10")
    page.get_by_role("button", name="Search").click()

    summary = page.get_by_text("2 groups within 10 km of HX7 8AD, nearest first.")
    expect(summary).to_be_visible()
    cards = page.locator(".directory-results > li")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("Hebden Bridge Wholefoods")
    expect(cards.nth(0)).to_contain_text("0.9 km")
    expect(cards.nth(1)).to_contain_text("Todmorden Pantry")
    assert "within_km=10" in page.url  # the search is linkable

    # The map shows the two groups (and where we searched from) without any tiles; it is hidden
    # from screen readers, who have the list.
    group_map = page.locator("#group-map")
    expect(group_map).to_have_attribute("aria-hidden", "true")
    expect(group_map.locator(".leaflet-marker-icon")).to_have_count(2)
    expect(group_map).to_have_class(re.compile(r"\bmap-plain\b"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "directory-375.png"), full_page=True)

    # A marker opens the group's name; keyboard users never land in the map.
    group_map.locator(".leaflet-marker-icon").first.click()
    expect(group_map.locator(".leaflet-popup-content a")).to_have_text("Hebden Bridge Wholefoods")

    # A filter applies as soon as it changes (no Search press): none of these groups has ordered
    # yet, so none orders every week; back to any, both are there again.
    page.get_by_text("What they buy, how often, who may join").click()
    page.get_by_label("Orders").select_option("weekly")
    expect(cards).to_have_count(0)
    assert "every=weekly" in page.url
    page.get_by_label("Orders").select_option("")
    expect(cards).to_have_count(2)

    # A bad postcode says what is wrong.
    page.get_by_label("Postcode or town").fill("HX99")
    page.get_by_role("button", name="Search").click()
    expect(
        page.get_by_text("No postcode district HX99: check it, or try a town name.")
    ).to_be_visible()

    # Nothing near Inverness: the nearest is named, and registering interest needs an account.
    page.get_by_label("Postcode or town").fill("Inverness")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No public group within 10 km of Inverness (IV1).")).to_be_visible()
    expect(page.get_by_text("The nearest is")).to_contain_text("Hebden Bridge Wholefoods")
    page.get_by_role("link", name="Register your interest").first.click()
    expect(page).to_have_url(f"{base}/accounts/login/?next=/interest/")


def test_use_my_location_asks_only_on_a_click(live_server: object, browser: Browser,
                                             settings: object) -> None:  # fmt: skip
    settings.MAP_TILES_URL = ""  # type: ignore[attr-defined]
    seed()
    base = str(live_server.url)  # type: ignore[attr-defined]
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        geolocation={"latitude": 53.7137, "longitude": -2.0970},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.goto(f"{base}/groups/")
        page.get_by_role("button", name="Use my location").click()
        cards = page.locator(".directory-results > li")
        expect(page.get_by_text("Found you: showing the nearest groups.")).to_be_visible()
        expect(cards.first).to_contain_text("Todmorden Pantry")
        expect(cards.first).to_contain_text("0.0 km")
    finally:
        context.close()
