"""An employer programme on a phone (375 px): an employee joins by work email, following the
link the locmem outbox caught, reaches the group's ordering page, puts oats in the basket and
sees what the employer pays towards it (the subsidy panel); the HR admin reads the dashboard,
where too few people show as "fewer than 5"."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coopbuy.groups.models import Membership
from coopbuy.programmes.models import Enrolment
from coopbuy.rounds.models import DemandLine
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.testing.factories import make_user
from coopbuy.testing.programmes import confirm_domain, make_employer, make_programme

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_joins_by_work_email_and_the_employer_sees_only_floored_totals(
    live_server: object, new_page: Callable[..., Page], settings: object
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    settings.SITE_URL = base  # type: ignore[attr-defined]
    helen, ruth = make_user("Helen Sutcliffe"), make_user("Ruth Ackroyd")
    employer = make_employer(helen)
    confirm_domain(employer, helen, "caldermills.example")
    programme = make_programme(employer, helen, coordinator=ruth, name="Staff buying group")
    supplier = make_supplier(programme.group, name="Suma")
    make_product(supplier, name="Porridge oats", case_size=6, unit_price=Decimal("1.20"))
    open_round(programme.group, ruth, [supplier], name="Week 49")
    # The employer funds a subsidy: 10 % of goods, at most £20.00 a month per employee.
    fund_top_up(organisation=employer, amount=Decimal("200.00"), actor=helen, idempotency_key="f1")
    subsidy_rule_create(programme=programme, actor=helen, kind="goods_percent",
                        percent=Decimal("10"), monthly_cap=Decimal("20.00"))  # fmt: skip
    imran = make_user("Imran Hussain", email="imran@home.example")

    # Imran finds the programme on Calder Mills' public page and asks with his work address.
    phone = logged_in(new_page, base, imran, width=375)
    phone.goto(f"{base}/o/{employer.slug}/")
    phone.get_by_role("link", name="Staff buying group").click()
    phone.get_by_role("textbox", name="Your work email").fill("Imran.Hussain@caldermills.example")
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_text("We sent a link to imran.hussain@caldermills.example")).to_be_visible()
    message = [m for m in mail.outbox if m.to == ["imran.hussain@caldermills.example"]][-1]
    link = re.search(r"https?://\S+/enrol/\S+/", str(message.body))
    assert link is not None
    phone.goto(link.group(0))
    phone.get_by_role("button", name="Join the group").click()
    expect(phone.get_by_text("Welcome to Staff buying group.")).to_be_visible()
    assert Enrolment.objects.get(user=imran).via == "work_email"
    assert Membership.objects.active().get(group=programme.group, user=imran).role == "member"

    # He reaches the open round's ordering page and puts two bags of oats in his basket.
    phone.goto(f"{base}/g/{programme.group.slug}/rounds/")
    phone.get_by_role("link", name="Order").click()
    expect(phone).to_have_url(re.compile(r"/rounds/\d+/order/$"))
    oats = phone.locator("li.product-row", has_text="Porridge oats")
    for expected in ("1 of 6", "2 of 6"):
        oats.get_by_role("button", name="One more", exact=True).click()
        expect(oats).to_contain_text(expected)
    expect(oats.get_by_label("I need")).to_have_value("2")
    assert (
        sum(DemandLine.objects.filter(membership__user=imran).values_list("quantity", flat=True))
        == 2
    )
    # The subsidy is shown on the ordering page: what the employer pays and what is left.
    subsidy = phone.get_by_role("region", name="Your employer's subsidy")
    expect(subsidy).to_contain_text(
        "Calder Mills Ltd pays 10 % of your goods, up to £20.00 a month: £20.00 left this month."
    )
    expect(subsidy).to_contain_text("taken off your bill when the round closes")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # Helen (HR, not in the group) reads the dashboard: one person enrolled is too few to show.
    admin = logged_in(new_page, base, helen, width=375)
    admin.goto(f"{base}/organisations/{employer.slug}/programmes/")
    admin.get_by_role("link", name="Dashboard").click()
    expect(admin.get_by_role("heading", name="Participation")).to_be_visible()
    everyone = admin.get_by_role("row", name=re.compile("Everyone"))
    expect(everyone).to_contain_text("fewer than 5")
    expect(admin.locator("main")).not_to_contain_text("Imran")
    expect(admin.locator("main")).not_to_contain_text("imran.hussain")
