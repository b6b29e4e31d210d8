"""A team deal on phones (375 px): a buyer starts a team, a second opens the share link, joins,
and both see the progress change (the first without reloading: the panel refreshes with htmx)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coopbuy.campaigns.models import Pledge
from coopbuy.ledger.models import Hold
from coopbuy.teamdeals.tests.factories import make_shop
from coopbuy.testing.factories import make_user

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_a_team_share_it_and_join(live_server: object, new_page: Callable[..., Page]) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    shop = make_shop()
    ann, ben = make_user("Ann Starter"), make_user("Ben Joiner")

    starter = logged_in(new_page, base, ann, width=375)
    starter.clock.install()  # the page's own timers, to bring its progress panel's poll forward
    starter.goto(f"{base}/organisations/pennine-organics/deals/", timeout=60_000)  # a cold start
    starter.get_by_role("link", name="Organic veg box (large)").click()
    expect(starter.get_by_role("heading", name="Organic veg box (large)")).to_be_visible()
    starter.get_by_role("button", name="Start a team").click()
    expect(starter.get_by_text("Your team is started")).to_be_visible()
    expect(starter.locator("#progress-sentence")).to_have_text("1 more buyer unlocks £22.00 each.")
    share = starter.get_by_label(re.compile("Share the team's link"))
    link = share.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/deals/{shop.deal.pk}/teams/[\w-]+/", link)
    assert starter.evaluate("document.documentElement.scrollWidth") <= 375

    joiner = logged_in(new_page, base, ben, width=375)
    joiner.goto(link)
    expect(joiner.locator("#team-count")).to_contain_text("1 of 4 buyers")
    joiner.get_by_role("button", name="Join the team").click()
    expect(joiner.get_by_text("You are in the team")).to_be_visible()
    expect(joiner.locator("#progress-sentence")).to_have_text(
        "2 more buyers unlock £18.00 each. If it ended now: £22.00 each."
    )
    expect(joiner.locator("#team-count")).to_contain_text("2 of 4 buyers")
    assert joiner.evaluate("document.documentElement.scrollWidth") <= 375
    assert "Ann Starter" not in joiner.content()

    # The starter's page was not reloaded: its progress panel refreshes itself (every 10 s).
    expect(starter.locator("#team-count")).to_contain_text("1 of 4 buyers")
    starter.clock.run_for("00:11")
    expect(starter.locator("#team-count")).to_contain_text("2 of 4 buyers")
    assert Pledge.objects.filter(status="active").count() == 2
    assert sorted(h.amount for h in Hold.objects.filter(released_at__isnull=True)) == [22, 22]
