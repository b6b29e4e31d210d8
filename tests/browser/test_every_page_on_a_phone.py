"""Every page of each role at 375 px (the demo's data): no sideways scrolling, no console errors,
and no accessibility violation of serious or critical impact (axe-core, vendored from npm)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.demo.seed import seed_demo
from coopbuy.groups.models import BuyingGroup, JoinRequest, Membership
from coopbuy.ledger.models import Account
from coopbuy.rounds.models import Round

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


# Left out: /groups/ (the directory with its map, another branch's page). Swept on 5 December it
# had htmx:syntax:error in the console and axe's aria-hidden-focus (#group-map) and
# link-in-text-block (the map's attribution link): add it back once those are fixed.
def _pages(group: BuyingGroup, role: str) -> list[str]:
    g = f"/g/{group.slug}"
    pages = ["/", "/groups/mine/", "/account/profile/", "/api/tokens/", f"{g}/",
             f"{g}/members/", f"{g}/rounds/", f"{g}/suppliers/", f"{g}/money/"]  # fmt: skip
    for round in Round.objects.filter(group=group).exclude(status="draft")[:4]:
        pages += [f"{g}/rounds/{round.pk}/", f"{g}/rounds/{round.pk}/order/"]
        if role == "coordinator" and round.status != "open":
            pages += [
                f"{g}/rounds/{round.pk}/{p}/" for p in ("receive", "pick-lists", "collection")
            ]
        if role == "coordinator" and round.status == "open":
            pages += [f"{g}/rounds/{round.pk}/close/", f"{g}/rounds/{round.pk}/cancel/"]
    if role == "coordinator":
        pages += [f"{g}/invitations/", f"{g}/activity/", f"{g}/settings/", f"{g}/rounds/new/",
                  f"{g}/suppliers/new/"]  # fmt: skip
        for supplier in Supplier.objects.filter(group=group)[:3]:
            pages += [f"{g}/suppliers/{supplier.pk}/", f"{g}/suppliers/{supplier.pk}/import/"]
    if role in ("coordinator", "treasurer"):
        t = f"{g}/money/treasury"
        pages += [f"{t}/", f"{t}/top-up/", f"{t}/refund/", f"{t}/adjust/", f"{t}/transactions/",
                  f"{t}/settings/", f"{t}/suppliers/", f"{t}/statements/",
                  f"{t}/statements/review/"]  # fmt: skip
        for account in Account.objects.filter(group=group).exclude(kind="member")[:3]:
            pages.append(f"{g}/money/accounts/{account.pk}/")
    return pages


def _listen(page: Page, errors: list[str]) -> None:
    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def crashed(error: Error) -> None:
        errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", crashed)


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
    probe = logged_in(new_page, base, User.objects.get(email="long@example.org"), width=WIDTH)
    probe.goto(base + "/")
    probe.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    probe.add_script_tag(path=str(AXE))
    assert any(v.startswith("image-alt") for v in probe.evaluate(AXE_RUN))
    for role in ("coordinator", "treasurer", "member"):
        membership = Membership.objects.filter(group=group, role=role).select_related("user")[0]
        page = logged_in(new_page, base, membership.user, width=WIDTH)
        errors: list[str] = []
        _listen(page, errors)
        for path in _pages(group, role):
            response = page.goto(base + path)
            assert response is not None
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className + '#' + e.id)"""
                )
                problems.append(f"{role} {path}: {width} px wide ({wide})")
            if errors:
                problems.append(f"{role} {path}: console {errors[:2]}")
                errors.clear()
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(AXE_RUN):
                problems.append(f"{role} {path}: {violation}")
    assert not problems, "\n".join(problems)
