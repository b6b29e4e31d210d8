"""A newcomer on a phone (375 px), signed out, finds no group taking members near their postcode on
the map, signs up, registers interest, is matched with four neighbours (the refresh task, run as
the worker runs it) and, hosting the pickup, accepts and starts the group in one click: the others
are invited by email and the supplier is named."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coopbuy.accounts.models import User
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.interest.models import SuggestedMember, Suggestion
from coopbuy.interest.services import interest_save
from coopbuy.interest.suggestions import suggestion_accept
from coopbuy.interest.tasks import refresh_suggestions
from coopbuy.testing.factories import make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(os.environ.get("COOPBUY_TEST_ARTIFACTS", "test-artifacts"))
PHONE = {"width": 375, "height": 812}
PASSWORD = "plums-and-custard-42"


def seed() -> list[User]:
    """A closed group near Hebden Bridge, and four neighbours who want Suma (nobody hosts)."""
    make_group(name="Todmorden Pantry", latitude=Decimal("53.7137"),
               longitude=Decimal("-2.0970"), join_policy=BuyingGroup.JoinPolicy.INVITATION,
               description="Households ordering dry goods together.")  # fmt: skip
    neighbours = []
    for name in ("Bea Whitaker", "Cal Ashworth", "Dee Sutcliffe", "Eve Greenwood"):
        user = make_user(name)
        interest_save(
            user=user,
            postcode="HX7 8AD",
            categories=["Dry goods"],
            suppliers=["Suma"],
            products="Organic oats",
            spend_per_round=Decimal("60"),
            travel_km=5,
        )
        neighbours.append(user)
    return neighbours


def confirm_email(page: Page, base: str, email: str) -> None:
    """Open the verification link from the email (locmem) in the same browser, and confirm."""
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    letter = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(letter.body))
    assert link, letter.body
    page.goto(f"{base}/accounts/{link.group(0).split('/accounts/', 1)[1]}")
    page.get_by_role("button", name="Confirm").click()


def test_a_newcomer_is_matched_and_starts_the_group_in_one_click(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    settings.MAP_TILES_URL = ""  # type: ignore[attr-defined]  # no network: a plain background
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]
    neighbours = seed()
    page = new_page(**PHONE)

    # Signed out: the map finds a group near the postcode, but it takes no new members.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Find a group near you").click()
    page.get_by_label("Postcode or town").fill("HX7 8AD")
    page.get_by_label("Within").select_option("10")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 group within 10 km of HX7 8AD, nearest first.")).to_be_visible()
    expect(page.locator(".directory-results > li").first).to_contain_text("Not taking new members")
    expect(page.locator("#group-map .leaflet-marker-icon")).to_have_count(1)
    page.get_by_text("What they buy, how often, who may join").click()
    page.get_by_label("Only groups taking new members").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No public group matching these filters within 10 km")).to_be_visible()
    expect(page.get_by_text("4 people within 10 km have registered interest")).to_be_visible()

    # Registering interest needs an account: sign up from the log-in page, verify, come back.
    page.locator("#results").get_by_role("link", name="Register your interest").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_role("link", name="sign up", exact=True).click()  # in the text, keeps next
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Your name").fill("Nia Halstead")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    confirm_email(page, base, "nia@example.org")
    expect(
        page.get_by_role("heading", name="No group near you? Register your interest")
    ).to_be_visible()
    expect(page.get_by_label("Your postcode")).to_have_value("HX7 8AD")  # kept from the search

    page.get_by_label("Dry goods").check()
    page.get_by_label("Suppliers you would like to order from").fill("Suma")
    page.get_by_label("Particular products").fill("Organic lentils")
    page.get_by_label("About how much per order, in £").fill("60")
    page.get_by_label("I could host a pickup").check()
    page.get_by_role("button", name="Register my interest").click()
    expect(page.get_by_text("Your interest is saved.")).to_be_visible()
    expect(
        page.get_by_text("4 other people near you have registered interest too.")
    ).to_be_visible()

    # The refresh, as the worker and `coopbuy suggest_groups` run it: one suggestion, Nia hosting.
    assert refresh_suggestions.call() == 1
    suggestion = Suggestion.objects.get()
    nia = User.objects.get(email="nia@example.org")
    assert suggestion.host == nia and suggestion.supplier == "Suma"
    assert set(suggestion.members.values_list("user_id", flat=True)) == {
        nia.pk, *(u.pk for u in neighbours)
    }  # fmt: skip
    told = [m for m in mail.outbox if "Suma around" in str(m.subject)]
    assert sorted(m.to[0] for m in told) == sorted([nia.email, *(u.email for u in neighbours)])
    for user in neighbours:  # the others accept, from their own pages
        suggestion_accept(suggestion_id=suggestion.pk, user=user)

    page.reload()
    panel = page.get_by_role("region", name=re.compile("5 households around Hebden Bridge"))
    expect(panel).to_contain_text(
        "5 households around Hebden Bridge want organic dry goods: together you would reach "
        "Suma's minimum order of £250"
    )
    expect(panel).to_contain_text("4 of 5 accepted")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "suggestion-375.png"), full_page=True)

    # One click: Nia accepts and starts the group; the others are invited.
    panel.get_by_role("button", name="Accept and start the group").click()
    expect(page.get_by_text("Your group is started and the others are invited.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hebden Bridge buying group")).to_be_visible()
    expect(page.get_by_text("Buying organic dry goods from Suma together.")).to_be_visible()

    group = BuyingGroup.objects.get(name="Hebden Bridge buying group")
    assert Membership.objects.active().get(group=group).user == nia
    assert group.memberships.get().role == "coordinator"
    assert SuggestedMember.objects.get(suggestion=suggestion, user=nia).state == "accepted"
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.group) == ("started", group)
    invited = sorted(Invitation.objects.filter(group=group).values_list("email", flat=True))
    assert invited == sorted(u.email for u in neighbours)
    invitations = [
        m for m in mail.outbox if "invited to join Hebden Bridge buying group" in str(m.subject)
    ]
    assert sorted(m.to[0] for m in invitations) == invited
