"""Every page of each role at 375 px (the demo's data): no sideways scrolling, no console errors,
and no accessibility violation of serious or critical impact (axe-core, vendored from npm)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import ConsoleMessage, Error, Page

from coopbuy.accounts.models import User
from coopbuy.catalog.models import SupplierUser
from coopbuy.demo.seed import seed_demo
from coopbuy.federations.models import FederationRole
from coopbuy.groups.models import BuyingGroup, JoinRequest, Membership
from coopbuy.organisations.models import Organisation
from coopbuy.teamdeals.models import Team

from .sweep_pages import (
    SIGNED_IN,
    elsewhere_pages,
    group_pages,
    signed_out_pages,
    work_email_link,
)
from .test_round_journey import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 375
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '));
}"""
BLANK_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _listen(page: Page, errors: list[str]) -> None:
    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def crashed(error: Error) -> None:
        errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", crashed)


def _offline_tiles(page: Page) -> None:
    """The map's tiles come from another host, which the test machine cannot reach: a blank tile
    stands in for each, so that the map draws as it would (its attribution link included)."""
    host = urlsplit(settings.MAP_TILES_URL.replace("{s}", "a")).netloc
    if host:
        blank = base64.b64decode(BLANK_PNG)
        page.route(
            f"**://{host}/**", lambda route: route.fulfill(body=blank, content_type="image/png")
        )


def _sweep(page: Page, base: str, who: str, paths: list[str], problems: list[str]) -> None:
    """Visit each path at 375 px and note what is wrong with it in `problems`."""
    page.add_init_script(path=str(AXE))
    _offline_tiles(page)
    errors: list[str] = []
    _listen(page, errors)
    for path in paths:
        try:
            response = page.goto(base + path)
        except Error as error:  # an empty error response (405 to a GET) is a navigation error
            problems.append(f"{who} {path}: {error.message.splitlines()[0]}")
            continue
        assert response is not None
        if not response.ok:  # a page that is not there would fit any phone: the list is wrong
            problems.append(f"{who} {path}: answered {response.status}")
            errors.clear()
            continue
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
            )
            problems.append(f"{who} {path}: {width} px wide ({wide})")
        if errors:
            problems.append(f"{who} {path}: console {errors[:2]}")
            errors.clear()
        for violation in page.evaluate(AXE_RUN):
            problems.append(f"{who} {path}: {violation}")


def test_every_page_fits_a_phone(live_server: object, new_page: Callable[..., Page]) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    seed_demo()
    group = BuyingGroup.objects.order_by("pk").first()
    assert group is not None
    JoinRequest.objects.create(
        group=group,
        user=User.objects.create_user("long@example.org", None, display_name="Longword"),
        message="Hello" + "o" * 300 + "!",
        status=JoinRequest.Status.PENDING,
    )
    problems: list[str] = []
    # The harness itself: axe must see a violation planted on a page (else this proves nothing).
    # axe is added as an init script (through the browser's protocol, which the page's strict CSP
    # does not govern, unlike a <script> tag added to the page).
    probe = logged_in(new_page, base, User.objects.get(email="long@example.org"), width=WIDTH)
    probe.add_init_script(path=str(AXE))
    probe.goto(base + "/")
    probe.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert any(v.startswith("image-alt") for v in probe.evaluate(AXE_RUN))
    for role in ("coordinator", "treasurer", "member"):
        membership = Membership.objects.filter(group=group, role=role).select_related("user")[0]
        paths = [*SIGNED_IN, *group_pages(membership), *elsewhere_pages(membership.user)]
        page = logged_in(new_page, base, membership.user, width=WIDTH)
        _sweep(page, base, role, list(dict.fromkeys(paths)), problems)
    assert not problems, "\n".join(problems)


def test_every_page_of_the_people_outside_a_group_fits_a_phone(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    """A federation's coordinator, a supplier's salesperson, an employer's and a retailer's
    admins, an employee and a buyer of a team deal (each signed in), and anyone signed out."""
    base = str(live_server.url)  # type: ignore[attr-defined]
    seed_demo()
    runner = FederationRole.objects.filter(role="coordinator").order_by("pk")[0]
    seller = SupplierUser.objects.filter(supplier__tender_invitations__isnull=False).order_by("pk")
    people = [("federation coordinator", runner.user), ("supplier user", seller[0].user)]
    for organisation in Organisation.objects.order_by("pk"):  # employers and a retailer
        admin = organisation.admins.order_by("pk")[0]
        people.append((f"admin of {organisation.slug}", admin.user))
    problems: list[str] = []
    for who, user in people:
        page = logged_in(new_page, base, user, width=WIDTH)
        _sweep(page, base, who, elsewhere_pages(user), problems)
    employee = Membership.objects.filter(
        group__programme__isnull=False, role="member", user__enrolments__isnull=False
    ).order_by("pk")[0]
    page = logged_in(new_page, base, employee.user, width=WIDTH)
    _sweep(page, base, "employee", group_pages(employee) + elsewhere_pages(employee.user), problems)
    buyer = Team.objects.order_by("created_at", "pk")[0].started_by
    page = logged_in(new_page, base, buyer, width=WIDTH)
    _sweep(page, base, "buyer", [*elsewhere_pages(buyer), work_email_link(buyer)], problems)
    _sweep(new_page(WIDTH, 800), base, "signed out", signed_out_pages(), problems)
    assert not problems, "\n".join(problems)
