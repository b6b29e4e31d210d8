"""A federated (pooled) round in Chromium: the federation's coordinator opens it from the
federation's page; a member of each of two groups orders on a phone (375 px) on the ordering page
they know and watches the pool's case fill; the coordinator closes it; each group's coordinator
finds only their own members' bags on the pick list, and a member reads what pooling saved them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from coopbuy.accounts.models import User
from coopbuy.catalog.services import product_save, supplier_create
from coopbuy.federations.membership import (
    federation_application_approve,
    federation_apply,
)
from coopbuy.federations.models import Federation
from coopbuy.federations.services import federation_create, federation_role_add
from coopbuy.federations.sharing import federation_supplier_share
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.checks import check_books
from coopbuy.pooled.models import PooledMemberSaving, PooledRound
from coopbuy.rounds.models import Allocation, Round
from coopbuy.testing.factories import add_member, make_group, make_user

from .phone import fits, phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Valley:
    federation: Federation
    fay: User  # the federation's coordinator
    groups: tuple[BuyingGroup, BuyingGroup]
    coordinators: tuple[User, User]
    ann: User  # a member of group A
    ben: User  # a member of group B


def valley() -> Valley:
    """Two groups join Fay's federation through its application; group A's coordinator (also a
    coordinator of the federation) shares Suma: oats in cases of 6, beans in cases of 4 with a
    volume price from 2 cases. No delivery fee, so the saving is the volume price alone."""
    fay, cora, carl = make_user("Fay Federation"), make_user("Cora"), make_user("Carl")
    hebden, todmorden = make_group(cora, name="Hebden Bulk"), make_group(carl, name="Tod Bulk")
    federation = federation_create(creator=fay, name="Valley Federation")
    for group, coordinator in ((hebden, cora), (todmorden, carl)):
        application = federation_apply(federation=federation, group=group, actor=coordinator)
        federation_application_approve(application=application, actor=fay)
    federation_role_add(federation=federation, actor=fay, email=cora.email, role="coordinator")
    suma = supplier_create(group=hebden, actor=cora, name="Suma")
    product_save(
        supplier=suma, actor=cora, sku="OAT6", name="Oats", case_size=6, unit_price=Decimal("3.00")
    )
    product_save(
        supplier=suma, actor=cora, sku="BEAN4", name="Beans", case_size=4,
        unit_price=Decimal("1.50"), tiers=[(2, Decimal("1.20"))],
    )  # fmt: skip
    federation_supplier_share(federation=federation, supplier=suma, actor=cora)
    ann, ben = make_user("Ann"), make_user("Ben")
    add_member(hebden, ann)
    add_member(todmorden, ben)
    return Valley(federation, fay, (hebden, todmorden), (cora, carl), ann, ben)


def order(page: Page, product: str, units: int) -> Locator:
    row = page.locator("li.product-row", has_text=product)
    row.get_by_label("I need").fill(str(units))
    row.get_by_label("I need").press("Tab")
    return row


def test_two_groups_fill_a_case_together_and_each_sees_only_its_own_bags(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]
    v = valley()
    hebden, todmorden = v.groups
    errors: list[str] = []

    # Fay opens the pooled round from the federation's page: one round in every member group.
    fay = phone(new_page, base, v.fay, errors)
    fay.goto(f"{base}/f/{v.federation.slug}/")
    fits(fay)
    fay.get_by_role("link", name="Pooled rounds").click()
    fits(fay)
    fay.get_by_label("Name").fill("Pooled December")
    fay.get_by_role("button", name="Open in every member group").click()
    expect(fay.get_by_text("The pooled round is open in every member group.")).to_be_visible()
    expect(fay.get_by_text("2 groups; 0 members have ordered 0 units worth £0.00.")).to_be_visible()
    fits(fay)
    pool = PooledRound.objects.get()
    pool_url = fay.url
    assert Round.objects.filter(pool=pool).count() == 2

    # Ann (Hebden) orders 4 oats and 4 beans on her phone, from her group's rounds page.
    ann = phone(new_page, base, v.ann, errors)
    ann.goto(f"{base}/g/{hebden.slug}/rounds/")
    ann.get_by_role("link", name="Order", exact=True).click()
    pooled = ann.get_by_role("heading", name="Pooled with 1 other group of Valley Federation")
    expect(pooled).to_be_visible()
    oats = order(ann, "Oats", 4)
    expect(oats).to_contain_text(
        "4 of 6 in the next case: 2 more across the federation fill the next case."
    )
    beans = order(ann, "Beans", 4)
    expect(beans).to_contain_text("1 case full.")
    expect(beans).to_contain_text("1 more case unlocks £1.20 a unit.")
    fits(ann)

    # Ben (Tod) sees Ann's oats in the pool's case before he orders; his 2 fill it.
    ben = phone(new_page, base, v.ben, errors)
    ben.goto(f"{base}/g/{todmorden.slug}/rounds/")
    ben.get_by_role("link", name="Order", exact=True).click()
    oats_b = ben.locator("li.product-row", has_text="Oats")
    expect(oats_b).to_contain_text(
        "4 of 6 in the next case: 2 more across the federation fill the next case."
    )
    order(ben, "Oats", 2)
    expect(oats_b).to_contain_text("1 case full.")
    beans_b = order(ben, "Beans", 4)
    expect(beans_b).to_contain_text("2 cases full.")
    # The pool's panel counts what he just ordered (asked for again after each change).
    expect(ben.locator(".pooled-panel")).to_contain_text(
        "Across the federation: 2 members have ordered 14 units worth £30.00."
    )
    fits(ben)

    # Ann's page shows the case Ben filled with her.
    ann.reload()
    expect(ann.locator("li.product-row", has_text="Oats")).to_contain_text("1 case full.")
    expect(ann.locator("li.product-row", has_text="Beans")).to_contain_text("2 cases full.")
    expect(ann.locator(".pooled-panel")).to_contain_text(
        "Across the federation: 2 members have ordered 14 units worth £30.00."
    )

    # Fay sees per-group totals (never a basket) and closes the pool.
    fay.goto(pool_url)
    so_far = fay.get_by_role("table")
    expect(so_far.get_by_role("row", name="Hebden Bulk 1 8")).to_be_visible()
    expect(so_far.get_by_role("row", name="Tod Bulk 1 6")).to_be_visible()
    expect(fay.locator("main")).not_to_contain_text("Ann")
    asked: list[str] = []

    def think_again(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    fay.once("dialog", think_again)
    fay.get_by_role("button", name="Close now and allocate").click()
    assert asked == [
        "Close the pooled round now? Ordering stops in all 2 groups, the cases are allocated "
        "and every member who ordered is told."
    ]
    assert PooledRound.objects.get().status == PooledRound.Status.OPEN  # nothing was sent
    fay.once("dialog", lambda dialog: dialog.accept())
    fay.get_by_role("button", name="Close now and allocate").click()
    expect(fay.get_by_text("The pooled round is closed; every group has its drop.")).to_be_visible()
    fits(fay)
    units = {
        (a.membership.user.display_name, a.product.name): a.units
        for a in Allocation.objects.select_related("membership__user", "product")
    }
    assert units == {("Ann", "Oats"): 4, ("Ann", "Beans"): 4, ("Ben", "Oats"): 2,
                     ("Ben", "Beans"): 4}  # fmt: skip

    # Each group's coordinator finds only their own members' bags on the pick list.
    for coordinator, group, mine, theirs, oats_units in (
        (v.coordinators[0], hebden, "Ann", "Ben", 4),
        (v.coordinators[1], todmorden, "Ben", "Ann", 2),
    ):
        page = phone(new_page, base, coordinator, errors)
        page.goto(f"{base}/g/{group.slug}/rounds/")
        page.get_by_role("link", name="Pooled December").click()
        # The federation sent the order: the group's page does not offer to send it again.
        expect(page.locator(".pooled-run")).to_contain_text("the federation closes it")
        expect(page.get_by_role("button", name="Send the orders to the suppliers")).to_have_count(0)
        fits(page)
        page.get_by_role("link", name="Pick lists").click()
        bags = page.locator(".bag")
        expect(bags).to_have_count(1)
        expect(bags.filter(has_text=mine)).to_contain_text(f"{oats_units} \u00d7 Oats")
        expect(bags.filter(has_text=mine)).to_contain_text("4 \u00d7 Beans")
        expect(page.locator("main")).not_to_contain_text(theirs)
        fits(page)

    # Ann reads what pooling did for her on her round's page: the oats case her group could not
    # have filled alone, and the beans' volume price (4 x 30p).
    ann.goto(f"{base}/g/{hebden.slug}/rounds/")
    ann.get_by_role("link", name="Pooled December").click()
    expect(ann.get_by_role("status").filter(has_text="Pooling")).to_have_text(
        "Pooling with 1 other group saved you £1.20 this round and filled 1 case your group "
        "could not have filled alone."
    )
    expect(ann.locator(".pooled-panel")).to_contain_text(
        "Alone, your group would have got you 4 units for £6.00."
    )
    fits(ann)
    saving = PooledMemberSaving.objects.get(membership__user=v.ann)
    assert saving.pooling_saving == Decimal("1.20")
    assert [(r.label, p) for r in check_books() for p in r.problems] == []
    assert errors == []
