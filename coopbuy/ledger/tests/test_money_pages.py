"""The money pages through the web: who sees what, top-ups with idempotency keys, reversals, CSV."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.ledger import selectors
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import member_account, payment_reference_for
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, a_round, key

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_key(response) -> str:
    found = re.search(rb'name="idempotency_key" value="([^"]+)"', response.content)
    assert found, "the form carries an idempotency key"
    return found.group(1).decode()


def test_a_member_sees_their_balance_reference_and_history_from_the_group_nav(
    world: World,
) -> None:
    ledger_top_up(
        membership=world.alice, amount=D("12.40"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    client = client_for(world.alice.user)
    detail = client.get(reverse("groups:detail", args=[world.group.slug]))
    url = reverse("ledger:account", args=[world.group.slug])
    assert url.encode() in detail.content
    page = client.get(url)
    assert page.status_code == 200
    assert "£12.40" in page.content.decode()
    assert payment_reference_for(world.alice) in page.content.decode()
    assert "Top-up by bank" in page.content.decode()
    assert b"treasury" not in page.content  # no treasurer links for a member


def test_a_member_sees_an_empty_account_before_any_money_moved(world: World) -> None:
    page = client_for(world.bob.user).get(reverse("ledger:account", args=[world.group.slug]))
    assert page.status_code == 200
    assert "No money has moved" in page.content.decode()
    assert payment_reference_for(world.bob) in page.content.decode()


def test_a_member_cannot_see_another_members_account_or_the_treasury(world: World) -> None:
    bobs = member_account(world.bob)
    client = client_for(world.alice.user)
    slug = world.group.slug
    assert client.get(reverse("ledger:account_detail", args=[slug, bobs.pk])).status_code == 404
    assert client.get(reverse("ledger:statement", args=[slug, bobs.pk, 2026, 1])).status_code == 404
    for name in ("overview", "top_up", "transactions", "export_csv", "statement_upload"):
        assert client.get(reverse(f"ledger:{name}", args=[slug])).status_code == 403, name


def test_a_treasurer_records_a_top_up_and_a_retried_post_changes_nothing(world: World) -> None:
    client = client_for(world.treasurer)
    url = reverse("ledger:top_up", args=[world.group.slug])
    idempotency_key = form_key(client.get(url))
    data = {
        "membership": world.alice.pk, "amount": "15.00", "method": "bank",
        "idempotency_key": idempotency_key, "reference": "", "booked_on": "",
    }  # fmt: skip
    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)
    assert first.redirect_chain == second.redirect_chain
    message = [str(m) for m in first.context["messages"]]
    assert message == [str(m) for m in second.context["messages"]]
    assert "Top-up #" in message[0]
    assert Transaction.objects.filter(group=world.group).count() == 1
    assert selectors.balance_of(membership=world.alice) == D("15.00")


def test_a_refund_beyond_the_balance_is_a_form_error(world: World) -> None:
    client = client_for(world.treasurer)
    url = reverse("ledger:refund", args=[world.group.slug])
    response = client.post(
        url,
        {"membership": world.bob.pk, "amount": "5.00", "method": "cash", "reason": "",
         "idempotency_key": form_key(client.get(url))},
    )  # fmt: skip
    assert response.status_code == 200
    assert "in credit to refund" in response.content.decode()
    assert not Transaction.objects.exists()


def test_a_mistaken_top_up_is_undone_with_a_reversal_from_the_transactions_page(
    world: World,
) -> None:
    mistake = ledger_top_up(
        membership=world.alice, amount=D("50.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    client = client_for(world.coordinator)
    listing = client.get(reverse("ledger:transactions", args=[world.group.slug]))
    url = reverse("ledger:reverse", args=[world.group.slug, mistake.pk])
    assert url.encode() in listing.content
    detail = reverse(
        "ledger:account_detail", args=[world.group.slug, member_account(world.alice).pk]
    )
    assert url.encode() in client.get(detail).content  # "Undo" beside the entry
    response = client.post(url, {"idempotency_key": form_key(client.get(url)), "reason": "typo"})
    assert response.status_code == 302
    assert selectors.balance_of(membership=world.alice) == D("0.00")
    listing = client.get(reverse("ledger:transactions", args=[world.group.slug]))
    assert f"Reversed by #{mistake.reversed_by.pk}" in listing.content.decode()


def test_a_treasurer_of_group_a_cannot_see_or_move_money_of_group_b(
    world: World, other: World
) -> None:
    theirs = ledger_top_up(
        membership=other.alice, amount=D("30.00"), method="bank", actor=other.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    their_account = member_account(other.alice)
    client = client_for(world.treasurer)
    mine = world.group.slug
    for url in (
        reverse("ledger:account_detail", args=[mine, their_account.pk]),
        reverse("ledger:statement", args=[mine, their_account.pk, 2026, 1]),
        reverse("ledger:reverse", args=[mine, theirs.pk]),
        reverse("ledger:statement_line", args=[mine, 999999]),
    ):
        assert client.get(url).status_code in {404, 405}, url
        assert client.post(url, {"idempotency_key": "x", "action": "book"}).status_code == 404
    # B's membership id in A's form: a form error, nothing moves.
    url = reverse("ledger:top_up", args=[mine])
    response = client.post(
        url,
        {"membership": other.alice.pk, "amount": "5.00", "method": "bank",
         "idempotency_key": "abc", "reference": "", "booked_on": ""},
    )  # fmt: skip
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    # B's own pages are closed to A's treasurer.
    for name in ("overview", "top_up", "transactions", "export_csv"):
        assert client.get(reverse(f"ledger:{name}", args=[other.group.slug])).status_code == 403
    assert Transaction.objects.filter(group=other.group).count() == 1
    assert selectors.balance_of(membership=other.alice) == D("30.00")


def test_the_accountant_export_has_every_entry_as_debit_or_credit(world: World) -> None:
    ledger_top_up(
        membership=world.alice, amount=D("7.50"), method="cash", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    response = client_for(world.treasurer).get(
        reverse("ledger:export_csv", args=[world.group.slug])
    )
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(r["account_kind"], r["debit"], r["credit"]) for r in rows] == [
        ("Member", "", "7.50"),
        ("Cash box", "7.50", ""),
    ]


def test_settings_change_what_members_are_told_they_can_order(world: World) -> None:
    client = client_for(world.treasurer)
    url = reverse("ledger:settings", args=[world.group.slug])
    response = client.post(
        url, {"prepayment_required": "on", "credit_limit": "10.00", "invoice_prefix": "HEB"}
    )
    assert response.status_code == 302
    page = client_for(world.alice.user).get(reverse("ledger:account", args=[world.group.slug]))
    assert "You can still order £10.00" in page.content.decode()


def test_a_treasurer_records_a_supplier_invoice_and_pays_it_through_the_web(
    world: World,
) -> None:
    from coopbuy.ledger.charges import MemberCharge, ledger_post_round_charges

    ledger_post_round_charges(
        group=world.group, round_id=a_round(world.group, "Round 3"), round_reference="Round 3",
        charges=[MemberCharge(world.alice.pk, D("9.00"), D("0"), D("0"), D("0"), D("9.00"))],
        supplier_goods={world.supplier.pk: D("9.00")}, delivery_fees={}, actor=None,
        idempotency_key=key(),
    )  # fmt: skip
    client = client_for(world.treasurer)
    url = reverse("ledger:suppliers", args=[world.group.slug])
    page = client.get(url)
    round_id = a_round(world.group, "Round 3")
    assert f'<option value="{round_id}">Round 3</option>'.encode() in page.content
    keys = re.findall(rb'name="(?:invoice|payment)-idempotency_key" value="([^"]+)"', page.content)
    client.post(
        url,
        {"action": "invoice", "invoice-supplier": world.supplier.pk, "invoice-number": "S-1",
         "invoice-amount": "9.40", "invoice-round_id": round_id,
         "invoice-idempotency_key": keys[0].decode()},
    )  # fmt: skip
    client.post(
        url,
        {"action": "payment", "payment-supplier": world.supplier.pk, "payment-amount": "9.40",
         "payment-method": "bank", "payment-reference": "",
         "payment-idempotency_key": keys[1].decode()},
    )  # fmt: skip
    listing = client.get(url).content.decode()
    assert "S-1" in listing and "£0.40" in listing  # the difference from the round is shown
    assert Account.objects.get(supplier=world.supplier).balance == D("0.00")
