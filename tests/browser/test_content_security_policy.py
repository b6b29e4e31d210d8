"""The pages people use, the demo's and the API reference, under the strict Content-Security-Policy.

The shared `new_page` fixture fails a test on any violation; these tests walk the demo's pages as
its coordinator, render Swagger UI, use the confirm and copy behaviours that replaced inline
handlers, and prove that the fixture does catch a violation.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Dialog, Page, expect

from coopbuy.demo.seed import seed_demo
from coopbuy.groups.invitations import invitation_create
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.testing.factories import add_member, make_group, make_user

from .phone import logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_inline_script_is_blocked_and_fails_the_test(
    live_server: object, new_page: Callable[..., Page], csp_violations: list[str]
) -> None:
    page = new_page()
    page.goto(str(live_server.url))  # type: ignore[attr-defined]
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran === undefined")  # the CSP blocked it
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()  # seen: this test expected it


def test_the_demo_s_pages_and_the_api_reference_keep_the_policy(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    seed_demo()
    group = BuyingGroup.objects.order_by("pk").first()
    assert group is not None
    coordinator = Membership.objects.filter(group=group, role="coordinator").first()
    assert coordinator is not None
    page = logged_in(new_page, base, coordinator.user)
    for address in [
        "/",
        reverse("groups:mine"),
        reverse("groups:find"),
        reverse("groups:detail", args=[group.slug]),
        reverse("groups:invitations", args=[group.slug]),
        f"/g/{group.slug}/rounds/",
        reverse("accounts:profile"),
    ]:
        response = page.goto(base + address)
        assert response is not None and response.status == 200, address
        for link in page.locator("main a[href^='/g/']").all()[:8]:
            href = link.get_attribute("href")
            if href and "export" not in href and ".pdf" not in href and ".csv" not in href:
                visited = page.context.new_page()
                reached = visited.goto(base + href)
                assert reached is not None and reached.status < 500, href
                visited.close()
    page.goto(f"{base}/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_copy_and_confirm_work_without_inline_handlers(
    live_server: object, new_page: Callable[..., Page]
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    add_member(group, make_user("Ann"))
    invitation_create(group=group, actor=coordinator)  # a shareable link, to copy
    page = logged_in(new_page, base, coordinator)
    page.goto(base + reverse("groups:invitations", args=[group.slug]))
    copy = page.get_by_role("button", name="Copy link").first
    copy.click()
    expect(page.get_by_role("button", name="Copied").first).to_be_visible()

    page.goto(base + reverse("groups:members", args=[group.slug]))
    members = Membership.objects.filter(group=group).count()
    asked: list[str] = []

    def answer(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer)
    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)
    assert asked == ["Remove this member from the group?"]
    assert Membership.objects.filter(group=group).count() == members  # dismissed: not sent
