"""Reversing a top-up booked from a bank line puts the line back for review, to be booked again."""

from __future__ import annotations

import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from coopbuy.ledger import selectors
from coopbuy.ledger.models import StatementLine, Transaction
from coopbuy.ledger.services import InsufficientFunds, member_account, payment_reference_for
from coopbuy.ledger.statements import (
    statement_confirm_matched,
    statement_import,
    statement_line_book,
)
from coopbuy.ledger.treasury import (
    ledger_adjust,
    ledger_reverse,
    ledger_settings_update,
    ledger_top_up,
)

from .conftest import World, key

pytestmark = pytest.mark.django_db
MAPPING = {"date": 0, "amount": 2, "reference": 3, "counterparty": 1, "bank_id": None}


def booked_line(world: World) -> StatementLine:
    """Alice's 20.00 from the bank, matched by her reference and booked as a top-up."""
    alice = payment_reference_for(world.alice)
    statement_import(
        group=world.group, actor=world.treasurer, filename="march.csv",
        content=f"Date;Payer;Amount;Reference\n31/03/2026;A. Smith;20.00;{alice}\n".encode(),
        mapping=MAPPING, date_format="%d/%m/%Y",
    )  # fmt: skip
    assert statement_confirm_matched(group=world.group, actor=world.treasurer) == 1
    line = StatementLine.objects.get()
    assert line.status == StatementLine.Status.BOOKED and line.transaction is not None
    return line


def test_reversing_the_top_up_puts_its_line_back_for_review_unlinked(world: World) -> None:
    line = booked_line(world)
    top_up = line.transaction
    assert top_up is not None
    ledger_reverse(original=top_up, actor=world.treasurer, idempotency_key=key())
    line.refresh_from_db()
    assert line.status == StatementLine.Status.UNMATCHED
    assert (line.account_id, line.transaction_id) == (None, None)
    assert list(selectors.lines_to_review(group=world.group)) == [line]
    assert selectors.balance_of(membership=world.alice) == D("0.00")


def test_a_line_put_back_is_booked_again_as_a_new_top_up_as_often_as_needed(
    world: World,
) -> None:
    line = booked_line(world)
    first = line.transaction
    assert first is not None
    ledger_reverse(original=first, actor=world.treasurer, idempotency_key=key())
    second = statement_line_book(line=line, actor=world.treasurer, membership=world.bob)
    assert second.pk != first.pk
    assert statement_line_book(line=line, actor=world.treasurer) == second  # a retry: the same
    ledger_reverse(original=second, actor=world.treasurer, idempotency_key=key())
    third = statement_line_book(line=line, actor=world.treasurer, membership=world.alice)
    assert len({first.pk, second.pk, third.pk}) == 3
    line.refresh_from_db()
    assert (line.status, line.transaction_id) == (StatementLine.Status.BOOKED, third.pk)
    assert line.account is not None and line.account.membership_id == world.alice.pk
    assert selectors.balance_of(membership=world.alice) == D("20.00")
    assert selectors.balance_of(membership=world.bob) == D("0.00")
    assert Transaction.objects.filter(kind="top_up", reversed_by__isnull=True).get() == third


def test_a_refused_reversal_leaves_the_line_booked(world: World) -> None:
    ledger_settings_update(
        group=world.group, actor=world.treasurer, prepayment_required=True,
        credit_limit=D("0.00"), invoice_prefix="HEB",
    )  # fmt: skip
    line = booked_line(world)
    assert line.transaction is not None
    ledger_adjust(
        membership=world.alice, amount=D("-15.00"), reason="spent", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    with pytest.raises(InsufficientFunds, match="adjustment") as refused:
        ledger_reverse(original=line.transaction, actor=world.treasurer, idempotency_key=key())
    assert refused.value.field is None  # a reversal has no amount of its own to blame
    booked = StatementLine.objects.get()
    assert (booked.status, booked.transaction_id) == ("booked", line.transaction.pk)


def test_reversing_another_top_up_or_retrying_a_reversal_leaves_lines_alone(
    world: World,
) -> None:
    line = booked_line(world)
    assert line.transaction is not None
    cash = ledger_top_up(
        membership=world.alice, amount=D("5.00"), method="cash", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    ledger_reverse(original=cash, actor=world.treasurer, idempotency_key=key())
    assert StatementLine.objects.get().status == "booked"
    reversal_key = key()
    ledger_reverse(original=line.transaction, actor=world.treasurer, idempotency_key=reversal_key)
    again = statement_line_book(line=line, actor=world.treasurer, membership=world.alice)
    ledger_reverse(original=line.transaction, actor=world.treasurer, idempotency_key=reversal_key)
    line.refresh_from_db()
    assert (line.status, line.transaction_id) == ("booked", again.pk)


def test_the_review_page_offers_the_member_choice_for_a_line_put_back(world: World) -> None:
    line = booked_line(world)
    assert line.transaction is not None
    ledger_reverse(original=line.transaction, actor=world.treasurer, idempotency_key=key())
    client = Client()
    client.force_login(world.treasurer)
    page = client.get(reverse("ledger:statement_review", args=[world.group.slug]))
    html = page.content.decode()
    assert f'id="line-{line.pk}"' in html
    assert "Waiting for review" in html
    assert f'name="line{line.pk}-membership"' in html  # choose whose money it is
    assert "Book for" not in html  # nothing pre-chosen
    client.post(
        reverse("ledger:statement_line", args=[world.group.slug, line.pk]),
        {"action": "assign", f"line{line.pk}-membership": world.bob.pk},
    )
    assert selectors.balance_of(membership=world.bob) == D("20.00")
    page = client.get(reverse("ledger:statement_review", args=[world.group.slug]))
    assert "Nothing waits for review." in page.content.decode()


def test_lines_reversed_before_the_fix_are_reopened_by_the_migration(world: World) -> None:
    line = booked_line(world)
    top_up = line.transaction
    assert top_up is not None
    ledger_reverse(original=top_up, actor=world.treasurer, idempotency_key=key())
    # As the data stood before reversing reopened lines: still "booked" to the reversed top-up.
    StatementLine.objects.filter(pk=line.pk).update(
        status=StatementLine.Status.BOOKED, account=member_account(world.alice), transaction=top_up
    )
    kept = booked_line_for_bob(world)
    reopen = importlib.import_module(
        "coopbuy.ledger.migrations.0005_reopen_reversed_statement_lines"
    ).reopen
    reopen(django_apps, None)
    line.refresh_from_db()
    kept.refresh_from_db()
    assert (line.status, line.account_id, line.transaction_id) == ("unmatched", None, None)
    assert kept.status == StatementLine.Status.BOOKED  # a booking still standing is left alone


def booked_line_for_bob(world: World) -> StatementLine:
    bob = payment_reference_for(world.bob)
    statement_import(
        group=world.group, actor=world.treasurer, filename="april.csv",
        content=f"Date;Payer;Amount;Reference\n01/04/2026;B. Jones;7.00;{bob}\n".encode(),
        mapping=MAPPING, date_format="%d/%m/%Y",
    )  # fmt: skip
    assert statement_confirm_matched(group=world.group, actor=world.treasurer) == 1
    return StatementLine.objects.get(reference=bob)
