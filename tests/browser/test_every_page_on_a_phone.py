"""Every page of each role at 375 px (the demo's data): no sideways scrolling, no console errors,
and no accessibility violation of serious or critical impact (axe-core, vendored from npm)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Error, Page

from coopbuy.accounts.models import User
from coopbuy.catalog.models import SupplierUser
from coopbuy.demo.seed import seed_demo
from coopbuy.federations.models import FederationRole
from coopbuy.groups.models import BuyingGroup, JoinRequest, Membership
from coopbuy.organisations.models import Organisation
from coopbuy.teamdeals.models import Team

from .phone import AXE_RUN, WIDTH, listen, logged_in, settle, with_axe
from .sweep_pages import (
    SIGNED_IN,
    elsewhere_pages,
    group_pages,
    signed_out_pages,
    work_email_link,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BLANK_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


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
    with_axe(page)
    _offline_tiles(page)
    errors: list[str] = []
    listen(page, errors)
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
        settle(page)
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


def _people_outside_a_group() -> list[tuple[str, User, list[str]]]:
    """A federation's coordinator, a supplier's salesperson, an employer's and a retailer's
    admins, an employee and a buyer of a team deal, each with the pages they can reach."""
    runner = FederationRole.objects.filter(role="coordinator").order_by("pk")[0]
    seller = SupplierUser.objects.filter(supplier__tender_invitations__isnull=False).order_by("pk")
    people = [("federation coordinator", runner.user), ("supplier user", seller[0].user)]
    for organisation in Organisation.objects.order_by("pk"):  # employers and a retailer
        admin = organisation.admins.order_by("pk")[0]
        people.append((f"admin of {organisation.slug}", admin.user))
    sweeps = [(who, user, elsewhere_pages(user)) for who, user in people]
    employee = Membership.objects.filter(
        group__programme__isnull=False, role="member", user__enrolments__isnull=False
    ).order_by("pk")[0]
    sweeps.append(
        ("employee", employee.user, group_pages(employee) + elsewhere_pages(employee.user))
    )
    buyer = Team.objects.order_by("created_at", "pk")[0].started_by
    sweeps.append(("buyer", buyer, [*elsewhere_pages(buyer), work_email_link(buyer)]))
    return sweeps


def test_every_page_of_everyone_fits_a_phone(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    """The coordinator, the treasurer and a member of a group, the people outside a group (each
    signed in), and anyone signed out. One test, so that the demo is seeded once."""
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
    probe = with_axe(logged_in(new_page, base, User.objects.get(email="long@example.org"), WIDTH))
    probe.goto(base + "/")
    probe.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert any(v.startswith("image-alt") for v in probe.evaluate(AXE_RUN))
    sweeps: list[tuple[str, User, list[str]]] = []
    for role in ("coordinator", "treasurer", "member"):
        membership = Membership.objects.filter(group=group, role=role).select_related("user")[0]
        paths = [*SIGNED_IN, *group_pages(membership), *elsewhere_pages(membership.user)]
        sweeps.append((role, membership.user, list(dict.fromkeys(paths))))
    for who, user, paths in sweeps + _people_outside_a_group():
        _sweep(logged_in(new_page, base, user, width=WIDTH), base, who, paths, problems)
    _sweep(new_page(WIDTH, 800), base, "signed out", signed_out_pages(), problems)
    assert not problems, "\n".join(problems)
