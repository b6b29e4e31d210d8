"""A tender in Chromium, everyone on a phone (375 px): an invited supplier's person bids before
the deadline while the organiser sees only that a bid stands; after the deadline the organiser
opens the bids, awards and confirms; a member reads their expected saving and opts in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from coopbuy.groups.models import Membership
from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit
from coopbuy.tenders.models import BidRevision, Tender, TenderOptIn
from coopbuy.tenders.tests.world import BIDS, make_world, past_deadline, past_round

from .phone import fits, phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supplier_bids_sealed_the_organiser_awards_and_a_member_opts_in(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    world = make_world()  # "Dry goods 2027": 120 oats, 40 lentils; Alpha, Beta, Gamma invited
    tender = world.tender
    assert tender is not None
    mia_in_a = Membership.objects.get(user=world.mia, group=world.a)
    past_round(world.a, 30, {mia_in_a: [("oats-25kg", 10, "32.00"), ("lentils-5kg", 4, "27.20")]})
    past_round(world.a, 60, {mia_in_a: [("oats-25kg", 5, "15.50")]})
    for supplier, person, row in zip(world.suppliers[1:], world.sellers[1:], BIDS[1:], strict=True):
        oats, tiers, capacity, lentils, fee, minimum, organic, local = row
        bid_submit(
            tender=tender, supplier=supplier, actor=person,
            data=BidInput(
                lines=[LineInput("oats-25kg", oats, capacity, list(tiers)),
                       LineInput("lentils-5kg", lentils)],
                delivery_fee=fee, min_order_value=minimum,
                criteria={"organic": organic, "local": local},
            ),
        )  # fmt: skip
    errors: list[str] = []

    # Alpha's person finds the invitation from the site's menu and bids on a phone.
    seller = phone(new_page, base, world.sellers[0], errors)
    seller.goto(f"{base}/")
    seller.get_by_role("navigation", name="Main").get_by_role("link", name="Tenders").click()
    fits(seller)
    seller.get_by_role("link", name="Dry goods 2027").click()
    expect(seller.get_by_text("You have not bid yet.")).to_be_visible()
    fits(seller)
    seller.get_by_label("oats-25kg: price per unit").fill("2.95")
    seller.get_by_label("oats-25kg: most units you can supply").fill("200")
    seller.get_by_label("oats-25kg: volume prices").fill("100: 2.70")
    seller.get_by_label("lentils-5kg: price per unit").fill("6.10")
    seller.get_by_label("Delivery fee").fill("40.00")
    seller.get_by_label("Minimum order value").fill("200.00")
    seller.get_by_label("Your score for “organic” (0 to 1)").fill("0.8")
    seller.get_by_label("Your score for “local” (0 to 1)").fill("0.2")
    seller.get_by_role("button", name="Send the bid").click()
    expect(
        seller.get_by_text("Your bid is in. You can revise it until the deadline.")
    ).to_be_visible()
    expect(seller.get_by_text("Version 1, sent")).to_be_visible()
    fits(seller)
    # Alpha revises its oats price: the revision is kept, the latest counts.
    seller.get_by_label("oats-25kg: price per unit").fill("2.90")
    seller.get_by_role("button", name="Send the bid").click()
    expect(seller.get_by_text("Version 2, sent")).to_be_visible()
    expect(seller.get_by_role("table", name="Your prices")).to_contain_text("2.90")
    assert BidRevision.objects.filter(bid__supplier=world.suppliers[0]).count() == 2

    # Fay, organising, sees three bids stand and not one price.
    fay = phone(new_page, base, world.fay, errors)
    fay.goto(f"{base}/")
    fay.get_by_role("navigation", name="Main").get_by_role("link", name="Tenders").click()
    expect(fay.get_by_role("link", name="For the federation Pennine Test")).to_be_visible()
    fits(fay)
    fay.get_by_role("link", name="Dry goods 2027").click()
    expect(fay.get_by_text("3 bids stand.")).to_be_visible()
    expect(
        fay.get_by_text("Bids are sealed: nobody can read them before the deadline.")
    ).to_be_visible()
    main = fay.locator("main")
    for price in ("2.90", "2.70", "6.10", "2.75", "6.40", "3.10", "5.80"):
        expect(main).not_to_contain_text(price)
    expect(fay.get_by_role("button", name="Open the bids and award")).to_have_count(0)
    fits(fay)

    # The deadline passes: Fay opens the bids, awards, and confirms.
    past_deadline(world)
    fay.reload()
    fay.get_by_role("button", name="Open the bids and award").click()
    result = fay.get_by_role("table", name="Who supplies what")
    expect(result.get_by_role("row")).to_have_count(3)  # the header and two awards, both Alpha's
    expect(result).to_contain_text("oats-25kg")
    expect(result).to_contain_text("324.00")
    expect(fay.get_by_text("Total cost 608.00 GBP (evaluated 553.28).")).to_be_visible()
    fits(fay)
    fay.get_by_role("button", name="Confirm: make the catalogues").click()
    expect(fay.locator("h1 .badge")).to_have_text("Confirmed")
    fits(fay)
    assert Tender.objects.get(pk=tender.pk).status == Tender.Status.CONFIRMED

    # Alpha's person, past the deadline, can bid no more and reads the confirmed award.
    seller.reload()
    expect(seller.get_by_role("button", name="Send the bid")).to_have_count(0)
    expect(seller.get_by_text("You are awarded goods and delivery worth 608.00.")).to_be_visible()
    expect(seller.get_by_text("The award is confirmed.")).to_be_visible()
    fits(seller)

    # Mia finds the awarded tender from the menu, reads her expected saving, and opts in.
    mia = phone(new_page, base, world.mia, errors)
    mia.goto(f"{base}/")
    mia.get_by_role("navigation", name="Main").get_by_role("link", name="Tenders").click()
    fits(mia)
    mia.get_by_role("link", name="Dry goods 2027").click()
    expect(mia.get_by_text("Your expected saving: 9.80 on the same basket.")).to_be_visible()
    fits(mia)
    mia.get_by_role("button", name="Opt in: order at these prices in the next round").click()
    expect(
        mia.get_by_text("You are in: the next pooled round will use these prices.")
    ).to_be_visible()
    expect(mia.get_by_text("You opted in on")).to_be_visible()
    fits(mia)
    assert str(TenderOptIn.objects.get(membership=mia_in_a).expected_saving) == "9.80"
    assert errors == []
