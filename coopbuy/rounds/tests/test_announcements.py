"""Round announcements: "a round is open" and "closes in 24 hours", once each, as members choose."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.memberships import membership_leave
from coopbuy.outbox.models import OutboxMessage
from coopbuy.outbox.sending import outbox_send_pending
from coopbuy.rounds.announcements import (
    announce_closing_rounds,
    read_unsubscribe_token,
    unsubscribe_token,
    wants,
)
from coopbuy.rounds.models import Round, RoundAnnouncement, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _group() -> dict[str, Any]:
    cora, ann, bob = make_user("Cora"), make_user("Ann O'Neil"), make_user("Bob")
    group = make_group(cora, name="Bob's <Bulk> & Co")
    add_member(group, ann)
    add_member(group, bob)
    supplier = make_supplier(group, name="Suma")
    make_product(supplier, name='Oats "rolled"', case_size=6, unit_price=Decimal("2.00"))
    return {"cora": cora, "ann": ann, "bob": bob, "group": group, "supplier": supplier}


def _open(s: dict[str, Any], **fields: Any) -> Round:
    return open_round(s["group"], s["cora"], [s["supplier"]], name="This week's order", **fields)


def _to(kind: str) -> list[str]:
    word = "is open" if kind == "open" else "closes in 24 hours"
    return sorted(m.to[0] for m in OutboxMessage.objects.filter(subject__contains=word))


def _mail_to(user: Any, word: str) -> OutboxMessage:
    return OutboxMessage.objects.get(to=[user.email], subject__contains=word)


def test_opening_a_round_tells_each_active_member_once_in_plain_text() -> None:
    s = _group()
    bob = s["group"].memberships.get(user=s["bob"])
    membership_leave(membership=bob, user=s["bob"])
    round = _open(s)
    assert _to("open") == sorted([s["cora"].email, s["ann"].email])  # Bob left: not told
    message = _mail_to(s["ann"], "is open")
    assert message.subject == "This week's order is open for orders (Bob's <Bulk> & Co)"
    assert "The round This week's order of Bob's <Bulk> & Co is open for orders." in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
    deadline = timezone.localtime(round.closes_at).strftime("%H:%M")
    assert "Orders close: " in message.body and deadline in message.body
    assert "Your basket is empty." in message.body
    order_url = f"http://testserver/g/{s['group'].slug}/rounds/{round.pk}/order/"
    assert order_url in message.body and f'href="{order_url}"' in message.html
    assert "Bob&#x27;s &lt;Bulk&gt; &amp; Co" in message.html  # the HTML body is escaped HTML
    assert message.headers["List-Unsubscribe"].startswith("<http://testserver/emails/stop/")
    assert message.headers["List-Unsubscribe"][1:-1] in message.body
    assert RoundAnnouncement.objects.filter(round=round, kind="open").count() == 2


def test_the_headers_reach_the_mail_server() -> None:
    s = _group()
    _open(s)
    outbox_send_pending()
    sent = [m for m in mail.outbox if m.to == [s["ann"].email]]
    assert len(sent) == 1
    assert sent[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert isinstance(sent[0], EmailMultiAlternatives)
    assert sent[0].alternatives[0][1] == "text/html"


def test_the_reminder_goes_once_with_the_basket_however_often_the_sweep_runs() -> None:
    s = _group()
    round = _open(s)  # closes in two days
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=s["ann"], product_id=oats.pk, quantity=3, tolerance=0)
    assert announce_closing_rounds() == 0  # not within 24 hours yet
    assert _to("closing") == []
    later = timezone.now() + timedelta(days=1, hours=1)
    assert announce_closing_rounds(now=later) == 3
    assert announce_closing_rounds(now=later) == 0
    assert announce_closing_rounds(now=later + timedelta(hours=2)) == 0
    assert len(_to("closing")) == 3
    body = _mail_to(s["ann"], "closes in 24 hours").body
    assert '- 3 \u00d7 Oats "rolled"' in body and "About £6.00 before delivery costs." in body
    assert "Your basket is empty." in _mail_to(s["bob"], "closes in 24 hours").body
    # The command is the same sweep: once the round is due, nothing is sent again.
    Round.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() + timedelta(hours=5), opened_at=timezone.now() - timedelta(days=2)
    )
    call_command("announce_closing_rounds")
    assert len(_to("closing")) == 3


def test_the_command_sends_due_reminders() -> None:
    s = _group()
    round = _open(s)
    Round.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() + timedelta(hours=5), opened_at=timezone.now() - timedelta(days=2)
    )
    call_command("announce_closing_rounds")
    call_command("announce_closing_rounds")
    assert _to("closing") == sorted(u.email for u in (s["cora"], s["ann"], s["bob"]))


def test_a_round_opened_within_a_day_of_its_close_gets_no_reminder() -> None:
    s = _group()
    _open(s, closes_at=timezone.now() + timedelta(hours=20))
    assert announce_closing_rounds() == 0
    assert len(_to("open")) == 3  # the open email already gave the deadline


def test_each_kind_can_be_turned_off_on_the_group_email_page() -> None:
    s = _group()
    client = Client()
    client.force_login(s["ann"])
    url = reverse("rounds:announcement_settings", args=[s["group"].slug])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="round_open"' in page.content and b"checked" in page.content
    response = client.post(url, {"round_closing": "on"})  # "open" unticked
    assert response.status_code == 302
    round = _open(s)
    assert s["ann"].email not in _to("open") and s["bob"].email in _to("open")
    announce_closing_rounds(now=round.closes_at - timedelta(hours=23))
    assert s["ann"].email in _to("closing")


def test_the_unsubscribe_link_asks_then_turns_off_that_kind_without_logging_in() -> None:
    s = _group()
    _open(s)
    message = _mail_to(s["ann"], "is open")
    link = message.headers["List-Unsubscribe"][1:-1].removeprefix("http://testserver")
    membership = s["group"].memberships.get(user=s["ann"])
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and b"Stop these emails" in page.content
    assert wants(membership, "open")  # a look changes nothing (mail scanners follow links)
    done = client.post(link)
    assert done.status_code == 200 and b"no longer get these emails" in done.content
    assert not wants(membership, "open") and wants(membership, "closing")
    second = _open(s)
    assert _to("open").count(s["ann"].email) == 1  # not told of the second round
    assert RoundAnnouncement.objects.filter(round=second, membership=membership).count() == 0


def test_a_tampered_or_foreign_link_is_refused_and_changes_nothing() -> None:
    s = _group()
    membership = s["group"].memberships.get(user=s["ann"])
    token = unsubscribe_token(membership_id=membership.pk, kind="open")
    other = s["group"].memberships.get(user=s["bob"])
    forged = unsubscribe_token(membership_id=other.pk, kind="open").split(":")[0]
    bad_links = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        forged + ":" + token.split(":", 1)[1],  # another member's payload, Ann's signature
        "not-a-link",
    ]
    client = Client()
    for bad in bad_links:
        for method in (client.get, client.post):
            response = method(reverse("rounds:unsubscribe", args=[bad]))
            assert response.status_code == 403
            assert b"This link does not work" in response.content
            assert b"Nothing was changed" in response.content
    assert wants(membership, "open") and wants(other, "open")
    membership_leave(membership=membership, user=s["ann"])
    assert client.post(reverse("rounds:unsubscribe", args=[token])).status_code == 403


def test_each_member_gets_their_own_link_in_both_bodies() -> None:
    s = _group()
    _open(s)  # nobody has a basket yet: the bodies are rendered once and the links filled in
    seen = set()
    for user in (s["cora"], s["ann"], s["bob"]):
        message = _mail_to(user, "is open")
        link = message.headers["List-Unsubscribe"][1:-1]
        assert link in message.body and link in message.html
        assert "coopbuy-unsubscribe-link-mark" not in message.body + message.html
        token = link.rsplit("/", 2)[-2]
        found = read_unsubscribe_token(token)
        assert found is not None and found[0].user == user and found[1] == "open"
        seen.add(link)
    assert len(seen) == 3


def test_a_member_reads_and_chooses_their_announcements_through_the_api() -> None:
    from coopbuy.tokens.services import token_create

    cora, member, stranger = make_user("Cora"), make_user("Mo"), make_user("Stan")
    group = make_group(cora)
    add_member(group, member)
    url = f"/api/v1/groups/{group.slug}/announcements"

    def client(user: Any, scope: str = "read-write") -> Client:
        _token, secret = token_create(user=user, name="api", scope=scope)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    mine = client(member)
    assert mine.get(url).json() == {"round_open": True, "round_closing": True}
    body = {"round_open": False, "round_closing": True}
    changed = mine.put(url, body, content_type="application/json")
    assert changed.status_code == 200 and changed.json() == body
    assert mine.get(url).json() == body
    again = mine.put(url, body, content_type="application/json")  # the same again: no change
    assert again.json() == body
    bad = mine.put(url, {"round_open": "sometimes"}, content_type="application/json")
    assert bad.status_code == 422 and mine.get(url).json() == body
    read_only = client(member, scope="read").put(
        url, {"round_open": True, "round_closing": True}, content_type="application/json"
    )
    assert read_only.status_code == 403 and mine.get(url).json() == body
    assert client(stranger).get(url).status_code in (403, 404)
