"""A round in Chromium: the coordinator imports a price list and opens a round, two members order
on phones (375 px), the round closes, a shortage is received, the pick list shows the right bags."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coopbuy.catalog.models import Supplier
from coopbuy.rounds.models import Allocation
from coopbuy.testing.factories import add_member, make_group, make_user

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("COOPBUY_TEST_ARTIFACTS", "test-artifacts"))

PRICE_LIST = (
    b"sku,name,category,unit,case_size,unit_price,vat_rate\n"
    b"OAT25,Porridge oats,Grains,500 g bag,6,1.20,0\n"
    b"RIC10,Brown rice,Grains,1 kg bag,4,2.10,0\n"
)


def test_a_round_from_price_list_to_pick_list(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]
    cora, ann, ben = make_user("Cora"), make_user("Ann"), make_user("Ben")
    group = make_group(cora, name="Calder Bulk")
    add_member(group, ann)
    add_member(group, ben)
    supplier = Supplier.objects.create(group=group, name="Suma", order_email="orders@suma.example")

    # Cora imports the price list through the catalogue's import page and opens a round.
    coordinator = logged_in(new_page, base, cora)
    coordinator.goto(f"{base}/g/{group.slug}/suppliers/{supplier.pk}/import/")
    coordinator.get_by_label("Price list").set_input_files(
        {"name": "suma.csv", "mimeType": "text/csv", "buffer": PRICE_LIST}
    )
    coordinator.get_by_role("button", name="Preview the changes").click()
    coordinator.get_by_role("button", name="Apply these changes").click()
    coordinator.goto(f"{base}/g/{group.slug}/rounds/")
    coordinator.get_by_role("link", name="New round").click()
    coordinator.get_by_label("Name").fill("Week 49")
    coordinator.get_by_label("Suma").check()
    coordinator.get_by_role("button", name="Save as draft").click()
    coordinator.get_by_role("button", name="Open for orders").click()
    expect(coordinator.get_by_text("The round is open for orders.")).to_be_visible()
    round_url = coordinator.url

    # Ann orders 3 oats and would take 1 more, on her phone, with the steppers.
    phone_a = logged_in(new_page, base, ann, width=375)
    phone_a.goto(f"{round_url}order/")
    oats = phone_a.locator("li.product-row", has_text="Porridge oats")
    for expected in ("1 of 6", "2 of 6", "3 of 6"):
        oats.get_by_role("button", name="One more", exact=True).click()
        expect(oats).to_contain_text(f"{expected} in the next case")
    oats.get_by_role("button", name="One more extra").click()
    expect(oats).to_contain_text("4 of 6 in the next case: 2 more fill it.")
    expect(phone_a.locator("#basket-summary")).to_contain_text("1 product, £3.60")

    # Ben types 3: with Ann's tolerance the case is full.
    phone_b = logged_in(new_page, base, ben, width=375)
    phone_b.goto(f"{round_url}order/")
    oats_b = phone_b.locator("li.product-row", has_text="Porridge oats")
    oats_b.get_by_label("I need").fill("3")
    oats_b.get_by_label("I need").press("Tab")
    expect(oats_b).to_contain_text("1 case full.")
    assert phone_b.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone_b.screenshot(path=str(ARTIFACTS / "round-ordering-375.png"), full_page=False)

    # Cora closes the round; everybody is told.
    coordinator.goto(round_url)
    coordinator.get_by_role("link", name="Close now").click()
    expect(coordinator.locator("#consequence")).to_contain_text("2 members are told")
    coordinator.get_by_label("I have read what closing does").check()
    coordinator.get_by_role("button", name="Close the round now").click()
    expect(coordinator.get_by_text("The round is closed")).to_be_visible()
    assert {m.to[0] for m in mail.outbox if "has closed" in m.subject} >= {ann.email, ben.email}

    # Only 4 oats arrive: fcfs takes the units back from the latest order (Ben's).
    coordinator.get_by_role("link", name="Receive the delivery").click()
    coordinator.get_by_label("Units that arrived").fill("4")
    coordinator.get_by_role("button", name="Record Porridge oats").click()
    expect(coordinator.get_by_text("Recorded: Porridge oats.")).to_be_visible()

    coordinator.goto(f"{round_url}pick-lists/")
    bags = coordinator.locator(".bag")
    expect(bags.filter(has_text="Ann")).to_contain_text("3 \u00d7 Porridge oats")
    expect(bags.filter(has_text="Ben")).to_contain_text("1 \u00d7 Porridge oats")
    units = dict(Allocation.objects.values_list("membership__user__display_name", "units"))
    assert units == {"Ann": 3, "Ben": 1}
