"""Someone with no account, on a phone (375 px), opens a pledger's share link, signs up (verifying
the address), comes straight back to the campaign with the referral kept, pledges, and sees it
reach its minimum; at the deadline it tips: pledges are filled at the final price, members'
holds become one charge, the newcomer's promise is due."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import HOLD_KIND, pledge_set
from coopbuy.campaigns.tasks import settle_campaign
from coopbuy.campaigns.tests.factories import make_world
from coopbuy.ledger.models import Hold
from tests.browser.test_matched_journey import PASSWORD, confirm_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


def test_a_visitor_signs_up_through_a_share_link_pledges_and_sees_it_tip(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]
    world = make_world()
    campaign = world.campaign()  # 3 households at £45.00, 5 at £41.00
    ann, _ = world.member("Ann", "200.00")
    ben, _ = world.member("Ben", "200.00")
    pledge_set(campaign=campaign, user=ann, quantity=1)
    bens = pledge_set(campaign=campaign, user=ben, quantity=1)
    share_link = f"{base}/c/{campaign.code}/?ref={bens.share_code}"

    page = new_page(**PHONE)
    page.goto(share_link)
    expect(page.get_by_role("heading", name="Organic oats, 25 kg")).to_be_visible()
    expect(page.locator("#progress-sentence")).to_have_text(
        "2 of 3 households: 1 more and it goes ahead at £45.00."
    )
    page.get_by_role("link", name="Sign up to pledge").click()
    page.get_by_label("Email").fill("vi@example.org")
    page.get_by_label("Your name").fill("Vi Lumb")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    confirm_email(page, base, "vi@example.org")

    # Straight back to the campaign, signed in, with Ben's referral kept.
    expect(page).to_have_url(f"{base}/c/{campaign.code}/?ref={bens.share_code}")
    expect(page.get_by_role("link", name="Vi Lumb")).to_be_visible()
    expect(page.get_by_text("your pledge is a promise to pay if it goes ahead")).to_be_visible()
    page.get_by_label("How many").fill("2")
    page.get_by_role("button", name="Pledge", exact=True).click()
    expect(page.get_by_text("Your pledge is in.")).to_be_visible()
    expect(page.locator("#progress-sentence")).to_have_text(
        "3 households: it goes ahead at £45.00; 2 more and the price drops to £41.00 for everyone."
    )
    expect(page.get_by_label(re.compile("Your share link"))).to_have_value(
        re.compile(rf"/c/{campaign.code}/\?ref=\w+")
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    vis = Pledge.objects.get(user__email="vi@example.org")
    assert (vis.quantity, vis.payment, vis.referred_by) == (2, "promise", bens)

    # The deadline passes: the campaign's own task ends it, as the worker runs it.
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert settle_campaign.call(campaign.pk) is True
    page.reload()
    expect(page.get_by_text("It went ahead at £45.00 per unit, for everyone.")).to_be_visible()
    expect(page.get_by_text("You pay £90.00.")).to_be_visible()

    campaign.refresh_from_db()
    assert campaign.status == "tipped" and str(campaign.unit_price) == "45.00"
    pledges = {p.user.name: p for p in campaign.pledges.select_related("user", "transaction")}
    assert {name: (p.status, str(p.amount_due)) for name, p in pledges.items()} == {
        "Ann": ("filled", "45.00"), "Ben": ("filled", "45.00"), "Vi Lumb": ("filled", "90.00"),
    }  # fmt: skip
    charge = pledges["Ann"].transaction
    assert charge is not None and pledges["Ben"].transaction == charge  # one charge for members
    assert pledges["Vi Lumb"].transaction is None  # a promise: paid to the group, not held
    assert not Hold.objects.filter(source_kind=HOLD_KIND, released_at__isnull=True).exists()
    tipped = sorted(m.to[0] for m in mail.outbox if "going ahead" in str(m.subject))
    assert tipped == sorted([ann.email, ben.email, "vi@example.org"])
