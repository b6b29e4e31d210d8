"""A team deal's money on phones (375 px): the retailer's admin sees what the buyers owe and what
is held for a team still filling, records a buyer's bank transfer, undoes it (it bounced), and the
buyer sees each of those as a line on their statement with the seller; no sideways scrolling, no
console error, no serious accessibility violation (axe-core) on any page of the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coopbuy.ledger.services import member_account
from coopbuy.teamdeals.models import BuyerPayment
from coopbuy.teamdeals.services import team_join, team_start
from coopbuy.teamdeals.tests.factories import make_shop
from coopbuy.testing.factories import make_user

from .phone import fits, phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_records_and_undoes_a_payment_and_the_buyer_sees_it(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    shop = make_shop()
    ann, ben, cat, dan = (make_user(f"{n} Buyer") for n in ("Ann", "Ben", "Cat", "Dan"))
    team = team_start(deal=shop.deal, user=ann)
    for person in (ben, cat, dan):  # the fourth fills the team: each is charged £18.00
        team_join(team=team, user=person)
    eve = make_user("Eve Waiting")
    team_start(deal=shop.deal, user=eve)  # alone so far: a team of 2's £22.00 held, not charged
    errors: list[str] = []

    # The admin opens the money page from the deals they manage.
    admin = phone(new_page, base, shop.admin, errors)
    admin.goto(f"{base}/organisations/{shop.organisation.slug}/deals/manage/")
    admin.get_by_role("link", name="Money: who owes what").click()
    expect(admin.get_by_role("heading", name="Team-deal money", level=1)).to_be_visible()
    summary = admin.locator("#money-summary")
    expect(summary).to_contain_text("Sold (teams that succeeded)£72.00")
    expect(summary).to_contain_text("Received£0.00")
    expect(summary).to_contain_text("Still owed to you£72.00")
    balances = admin.get_by_role("table")
    expect(balances.get_by_role("row", name=re.compile("^Ann Buyer"))).to_contain_text("£18.00")
    waiting = balances.get_by_role("row", name=re.compile("^Eve Waiting"))
    expect(waiting.get_by_role("cell").nth(3)).to_have_text("£22.00")  # held, not owed
    expect(waiting.get_by_role("cell").nth(1)).to_have_text("£0.00")
    fits(admin, errors)

    # Ann paid by bank transfer: the admin records it.
    admin.get_by_label("Buyer", exact=True).select_option(label=f"Ann Buyer ({ann.email})")
    admin.get_by_label("Amount (£)").fill("18.00")
    admin.get_by_label("Paid by").select_option("bank")
    admin.get_by_label("Reference (e.g. their bank transfer's)").fill("FPS 4471")
    admin.get_by_role("button", name="Record the payment").click()
    expect(admin.get_by_text("The payment is recorded.")).to_be_visible()
    expect(summary).to_contain_text("Received£18.00")
    expect(summary).to_contain_text("Still owed to you£54.00")
    expect(balances.get_by_role("row", name=re.compile("^Ann Buyer"))).to_have_count(0)
    recorded = admin.locator("li", has_text="FPS 4471")
    expect(recorded).to_contain_text("Ann Buyer · £18.00 · Bank transfer")
    fits(admin, errors)
    payment = BuyerPayment.objects.get()
    assert (payment.amount, payment.method, payment.reversed_at) == (Decimal("18.00"), "bank", None)

    # Ann sees she owes nothing now, and the payment as a line of her statement with the seller.
    buyer = phone(new_page, base, ann, errors)
    buyer.goto(f"{base}/deals/mine/")
    expect(buyer.get_by_text("You owe")).to_have_count(0)
    fits(buyer, errors)
    group = shop.setup.group
    account = member_account(shop.membership(ann))
    today = timezone.localdate()
    statement = f"{base}/g/{group.slug}/money/accounts/{account.pk}/statements/"
    buyer.goto(f"{base}/g/{group.slug}/money/")
    buyer.get_by_role("link", name=today.strftime("%B %Y")).click()
    expect(buyer).to_have_url(f"{statement}{today.year}/{today.month}/")
    paid = buyer.get_by_role("row", name=re.compile("^\\S+ \\S+ \\S+ Paid to Pennine Organics"))
    expect(paid.get_by_role("cell").nth(2)).to_have_text("£18.00")
    expect(paid.get_by_role("cell").nth(3)).to_have_text("£0.00")  # the charge, settled
    fits(buyer, errors)

    # The transfer bounced: the admin undoes the payment, after a page that says what it does.
    recorded.get_by_role("link", name="Undo").click()
    expect(admin.get_by_text("Undo the payment of £18.00 from Ann Buyer")).to_be_visible()
    fits(admin, errors)
    admin.get_by_label("Why (e.g. the transfer bounced)").fill("the transfer bounced")
    admin.get_by_role("button", name="Undo the payment").click()
    expect(admin.get_by_text("The payment is undone.")).to_be_visible()
    expect(summary).to_contain_text("Received£0.00")
    expect(summary).to_contain_text("Still owed to you£72.00")
    expect(admin.locator("li", has_text="FPS 4471")).to_contain_text("undone")
    expect(balances.get_by_role("row", name=re.compile("^Ann Buyer"))).to_contain_text("£18.00")
    fits(admin, errors)
    assert BuyerPayment.objects.get().reversed_at is not None

    # Ann owes the £18.00 again, and her statement shows the payment and its reversal.
    buyer.goto(f"{base}/deals/mine/")
    expect(buyer.get_by_text("You owe Pennine Organics £18.00")).to_be_visible()
    buyer.goto(f"{statement}{today.year}/{today.month}/")
    undone = buyer.get_by_role(
        "row", name=re.compile("Reversal of #\\d+: Paid to Pennine Organics")
    )
    expect(undone).to_contain_text("the transfer bounced")
    expect(undone.get_by_role("cell").nth(2)).to_have_text("-£18.00")
    expect(undone.get_by_role("cell").nth(3)).to_have_text("-£18.00")
    expect(paid.get_by_role("cell").nth(2)).to_have_text("£18.00")  # kept: nothing is rewritten
    fits(buyer, errors)
    # Only Ann's own account: nothing of the other buyers.
    expect(buyer.locator("main")).not_to_contain_text("Ben Buyer")
