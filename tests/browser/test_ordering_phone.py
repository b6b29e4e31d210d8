"""The ordering page on a 375 px phone: keyboard focus stays on the stepper, refused input is
explained beside the field, the group's progress towards each supplier's minimum and free
delivery; and the coordinator's pre-close summary and confirmation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coopbuy.rounds.models import DemandLine, Round
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world() -> dict[str, object]:
    cora, ann = make_user("Cora"), make_user("Ann")
    group = make_group(cora, name="Calder Bulk")
    add_member(group, ann)
    suma = make_supplier(group, name="Suma", min_order_value=Decimal("50.00"))
    farm = make_supplier(
        group, name="Farm", delivery_fee=Decimal("4.00"), free_delivery_over=Decimal("20.00")
    )
    make_product(suma, name="Porridge oats", case_size=6, unit_price=Decimal("2.00"))
    make_product(farm, name="Single squash", case_size=1, unit_price=Decimal("3.00"))
    round = open_round(group, cora, [suma, farm])
    return {"cora": cora, "ann": ann, "group": group, "round": round}


FOCUS_ON_MORE = """() => {
  const active = document.activeElement;
  const row = active && active.closest('li');
  return !!row && active.getAttribute('aria-label') === 'One more'
    && row.textContent.includes('Porridge oats');
}"""


def _wait_for_focus(page: Page) -> None:
    try:
        page.wait_for_function(FOCUS_ON_MORE, timeout=10_000)
    except Exception as error:
        active = page.evaluate("document.activeElement.outerHTML.slice(0, 150)")
        raise AssertionError(f"focus is on {active}") from error


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_focus_stays_on_the_stepper_after_each_change(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    w = _world()
    round, group = w["round"], w["group"]
    assert isinstance(round, Round)
    page = logged_in(new_page, base, w["ann"], width=375)  # type: ignore[arg-type]
    page.goto(f"{base}/g/{group.slug}/rounds/{round.pk}/order/")  # type: ignore[attr-defined]
    oats = page.locator("li.product-row", has_text="Porridge oats")
    oats.get_by_role("button", name="One more", exact=True).focus()
    for expected in ("1 of 6", "2 of 6", "3 of 6", "4 of 6", "5 of 6"):
        page.keyboard.press("Enter")
        expect(oats).to_contain_text(expected)
        _wait_for_focus(page)  # the + button of the new row has the focus: Enter keeps adding


def test_ordering_on_a_phone(live_server: object, new_page: Callable[..., Page]) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    w = _world()
    round, group = w["round"], w["group"]
    assert isinstance(round, Round)
    errors: list[str] = []
    page = logged_in(new_page, base, w["ann"], width=375)  # type: ignore[arg-type]
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base}/g/{group.slug}/rounds/{round.pk}/order/")  # type: ignore[attr-defined]
    # The supplier progress refresh replaces one still in flight (hx-sync="this:replace"): htmx
    # logs the aborted one as an error. That is the intended behaviour, not a page error.
    aborted = ("htmx:sendAbort", "htmx:afterRequest")
    _no_sideways_scroll(page)
    progress = page.locator("#supplier-progress")
    expect(progress).to_contain_text("£50.00 more to reach the minimum of £50.00")
    expect(progress).to_contain_text("£20.00 more and delivery is free.")

    oats = page.locator("li.product-row", has_text="Porridge oats")
    for expected in ("1 of 6 in the next case: 5 more fill it.", "2 of 6", "3 of 6", "4 of 6"):
        oats.get_by_role("button", name="One more", exact=True).click()
        expect(oats).to_contain_text(expected)
    oats.get_by_label("I need").fill("5")
    oats.get_by_label("I need").press("Tab")
    expect(oats).to_contain_text("5 of 6 in the next case: 1 more fills it.")
    expect(progress).to_contain_text("£40.00 more to reach the minimum")

    # A case of one shows no tolerance and no case bar.
    squash = page.locator("li.product-row", has_text="Single squash")
    expect(squash.get_by_label("Extra I would take")).to_have_count(0)
    expect(squash.locator("progress")).to_have_count(0)

    # Refused input is explained beside the field and the field shows what is saved.
    field = oats.get_by_label("I need")
    for typed in ("99999", "-3", "2.5"):
        field.fill(typed)
        field.press("Tab")
        expect(oats.locator(".field-error")).to_contain_text(
            f"{typed} is not possible for the quantity"
        )
        expect(oats.get_by_label("I need")).to_have_value("5")
    assert sum(DemandLine.objects.values_list("quantity", flat=True)) == 5

    # Only my basket.
    page.get_by_label("Only my basket").check()
    expect(page.locator("li.product-row")).to_have_count(1)
    expect(page.locator("li.product-row")).to_contain_text("Porridge oats")
    _no_sideways_scroll(page)
    summary_height = page.locator("#basket-summary").bounding_box()["height"]  # type: ignore[index]
    assert summary_height < 0.15 * 800, summary_height  # a slim bar, not a quarter of the screen
    assert not [e for e in errors if not e.startswith(aborted)], errors


def test_closing_shows_what_it_does_and_asks(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    w = _world()
    round, group = w["round"], w["group"]
    from coopbuy.rounds.models import RoundProduct
    from coopbuy.rounds.services import basket_set

    assert isinstance(round, Round)
    oats = RoundProduct.objects.get(round=round, name="Porridge oats")
    basket_set(round=round, user=w["ann"], product_id=oats.pk, quantity=6, tolerance=0)  # type: ignore[arg-type]
    page = logged_in(new_page, base, w["cora"], width=375)  # type: ignore[arg-type]
    page.goto(f"{base}/g/{group.slug}/rounds/{round.pk}/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Close now").click()
    expect(page.locator(".supplier-preview", has_text="Suma")).to_contain_text(
        "below the minimum order of £50.00 (£38.00 short)"
    )
    expect(page.locator("#consequence")).to_contain_text(
        "Closing now orders nothing: 1 member gets nothing and is told so at once."
    )
    _no_sideways_scroll(page)
    page.get_by_role("button", name="Close and order nothing").click()
    expect(page.get_by_text("Tick the box to say you have read what closing does.")).to_be_visible()
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    page.get_by_role("link", name="Keep it open").click()
    page.get_by_role("link", name="Cancel the round").click()
    page.get_by_role("button", name="Cancel the round").click()
    expect(page.get_by_text("Say why the round is cancelled.")).to_be_visible()
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN


def test_pictures_on_a_phone_keep_the_rows_compact(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    """A product's picture is a fixed 48 px box beside its name, loaded lazily from our own
    media under the strict CSP; a row without one has no box; nothing scrolls sideways."""
    from coopbuy.catalog.image_services import product_image_upload
    from coopbuy.catalog.models import Product
    from coopbuy.demo.pictures_seed import picture

    base = str(live_server.url)  # type: ignore[attr-defined]
    w = _world()
    round, group = w["round"], w["group"]
    assert isinstance(round, Round)
    oats = Product.objects.get(name="Porridge oats")
    product_image_upload(product=oats, actor=w["cora"], content=picture("Porridge oats"))  # type: ignore[arg-type]
    page = logged_in(new_page, base, w["ann"], width=375)  # type: ignore[arg-type]
    page.goto(f"{base}/g/{group.slug}/rounds/{round.pk}/order/")  # type: ignore[attr-defined]
    row = page.locator("li.product-row", has_text="Porridge oats")
    thumb = row.get_by_role("img", name="Porridge oats")
    expect(thumb).to_have_attribute("loading", "lazy")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('.product-thumb');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    box = thumb.bounding_box()
    assert box is not None and (round_(box["width"]), round_(box["height"])) == (48, 48)
    assert thumb.evaluate("i => new URL(i.src).origin") == base.rstrip("/")
    squash = page.locator("li.product-row", has_text="Single squash")
    expect(squash.locator("img")).to_have_count(0)
    _no_sideways_scroll(page)
    # The row keeps its picture when it is swapped after a change of the basket.
    row.get_by_role("button", name="One more", exact=True).click()
    expect(row).to_contain_text("1 of 6")
    expect(
        page.locator("li.product-row", has_text="Porridge oats").get_by_role("img")
    ).to_have_count(1)
    _no_sideways_scroll(page)


def round_(value: float) -> int:
    return int(value + 0.5)
