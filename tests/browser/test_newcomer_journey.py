"""The newcomer journey in Chromium: sign up, verify, start a group, invite, a neighbour joins,
the coordinator makes them treasurer."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coopbuy.groups.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"
ARTIFACTS = Path(os.environ.get("COOPBUY_TEST_ARTIFACTS", "test-artifacts"))


def sign_up_and_verify(page: Page, base: str, *, name: str, email: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password:", exact=True).fill("plums-and-custard-42")
    page.get_by_label("Password (again)").fill("plums-and-custard-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    letter = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(letter.body))
    assert link, letter.body
    path = link.group(0).split("/accounts/", 1)[1]
    page.goto(f"{base}/accounts/{path}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()  # logged in, name in the header


def test_newcomer_starts_a_group_and_a_neighbour_joins_by_link(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]

    # Alex signs up, verifies the address and starts a group.
    alex = new_page()
    sign_up_and_verify(alex, base, name="Alex Morgan", email="alex@example.org")
    alex.get_by_role("link", name="My groups").click()
    expect(alex.get_by_text("You are not in any group yet.")).to_be_visible()
    alex.get_by_role("link", name="Start a group").first.click()
    alex.get_by_label("Name").fill("Calder Valley Bulk Buyers")
    alex.get_by_label("Town or area").fill("Hebden Bridge")
    alex.get_by_label("Description").fill("Households ordering from Suma every other Tuesday.")
    alex.get_by_label("Invitation only").check()
    alex.get_by_role("button", name="Create the group").click()
    expect(alex.get_by_text("Your group is ready")).to_be_visible()

    # Alex makes a shareable link and copies it.
    alex.get_by_label("Anyone with a link").check()
    alex.get_by_role("button", name="Create invitation").click()
    expect(alex.get_by_text("Your link is ready")).to_be_visible()
    alex.get_by_role("button", name="Copy link").first.click()
    expect(alex.get_by_role("button", name="Copied")).to_be_visible()
    link = alex.get_by_label("Invitation link").first.input_value()
    assert "/join/" in link

    # Bea opens the link on her phone, signs up, verifies and joins.
    bea = new_page(375, 740)
    bea.goto(link)
    expect(bea.get_by_role("heading", name="Join Calder Valley Bulk Buyers")).to_be_visible()
    sign_up_and_verify(bea, base, name="Bea Whitaker", email="bea@example.org")
    bea.goto(link)
    bea.get_by_role("button", name="Accept and join").click()
    expect(bea.get_by_text("Welcome to Calder Valley Bulk Buyers!")).to_be_visible()
    no_sideways_scroll = bea.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll, "the group page must fit a 375 px wide screen"

    # Alex sees Bea among the members and makes her treasurer, in place (htmx).
    alex.get_by_role("link", name="Members").click()
    expect(alex.get_by_role("rowheader", name="Bea Whitaker")).to_be_visible()
    alex.get_by_label("Role of Bea Whitaker").select_option("treasurer")
    row = alex.locator("tr", has_text="Bea Whitaker")
    row.get_by_role("button", name="Save role").click()
    expect(row.get_by_text("Saved")).to_be_visible()
    membership = Membership.objects.get(user__email="bea@example.org")
    assert membership.role == "treasurer"
    assert membership.group.name == "Calder Valley Bulk Buyers"

    # The activity log tells the story.
    alex.get_by_role("link", name="Activity").click()
    expect(alex.get_by_text("Alex Morgan made Bea Whitaker Treasurer")).to_be_visible()

    alex.get_by_role("link", name="Overview").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    alex.screenshot(path=str(ARTIFACTS / "group-page.png"), full_page=True)
    bea.screenshot(path=str(ARTIFACTS / "group-page-375.png"), full_page=True)
    if os.environ.get("COOPBUY_UPDATE_DOCS"):
        alex.screenshot(path=str(DOCS / "group-page.png"), full_page=True)
