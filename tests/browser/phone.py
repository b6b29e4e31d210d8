"""A person's phone in the browser tests: signed in at 375 px, axe-core loaded, console errors
collected (`phone`), and the checks every page on it must pass (`fits`): no sideways scrolling and
no accessibility violation of serious or critical impact.

axe-core (vendored from npm) is added as an init script, through the browser's protocol, which the
pages' strict Content-Security-Policy does not govern (a <script> tag added to a page would be
blocked). So is a count of the page's requests in flight, which `settle` waits on: Playwright's
"networkidle" waits for half a second without any request after the last one, on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.test import Client
from playwright.sync_api import ConsoleMessage, Error, Page

from coopbuy.accounts.models import User

WIDTH = 375
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 2).map(n => n.target.join(' ')).join(', '));
}"""

# Counts the XMLHttpRequests and fetches the page has started and not yet finished (htmx uses the
# former), for `settle`.
COUNT_REQUESTS = """(() => {
  let inFlight = 0;
  const finished = () => { inFlight -= 1; };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    inFlight += 1;
    this.addEventListener("loadend", finished, {once: true});
    try { return send.apply(this, args); } catch (error) { finished(); throw error; }
  };
  const fetch = window.fetch;
  window.fetch = function (...args) {
    inFlight += 1;
    try { return fetch.apply(this, args).finally(finished); }
    catch (error) { finished(); throw error; }
  };
  Object.defineProperty(window, "coopbuyRequestsInFlight", {get: () => inFlight});
})();"""
SETTLED = """() => document.readyState === "complete" && window.coopbuyRequestsInFlight === 0
  && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")"""


def logged_in(new_page: Callable[..., Page], base: str, user: User, width: int = 1280) -> Page:
    """A page in a fresh context, signed in as `user` (a session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    page = new_page(width, 800)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    return page


def listen(page: Page, errors: list[str]) -> None:
    """Note in `errors` what the page logs as an error to its console, and what it throws."""

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def crashed(error: Error) -> None:
        errors.append(str(error))

    page.on("console", console)
    page.on("pageerror", crashed)


def with_axe(page: Page) -> Page:
    """Load axe-core, and the count of requests in flight, into every document the page opens."""
    page.add_init_script(path=str(AXE))
    page.add_init_script(COUNT_REQUESTS)
    return page


def phone(new_page: Callable[..., Page], base: str, user: User, errors: list[str]) -> Page:
    """A person's phone (375 px) with axe-core loaded, its console errors collected."""
    page = with_axe(logged_in(new_page, base, user, width=WIDTH))
    listen(page, errors)
    return page


def settle(page: Page) -> None:
    """Wait until the page has loaded, with no request of its own in flight and no htmx swap
    under way (a panel htmx loads into the page once it is there, say)."""
    if not page.evaluate(SETTLED):  # usually so already: waiting costs a round of polling
        page.wait_for_function(SETTLED)


def fits(page: Page, errors: list[str] | None = None) -> None:
    """No sideways scrolling at 375 px, no serious accessibility violation (axe-core), and, given
    the page's `errors`, no console error."""
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, page.url
    assert page.evaluate(AXE_RUN) == [], page.url
    if errors is not None:
        assert errors == [], page.url
