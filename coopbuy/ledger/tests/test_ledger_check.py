"""`coopbuy ledger check`: clean data passes; a corrupted cache or a broken posting fails loudly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from coopbuy.ledger.guards import guards_paused
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import book_of, member_account
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.ledger.write_off import ledger_write_off

from .conftest import World, key


def run_check(*args: str) -> str:
    out = StringIO()
    call_command("ledger", "check", *args, stdout=out)
    return out.getvalue()


def test_the_check_passes_on_clean_data_and_prints_a_summary(world: World, other: World) -> None:
    ledger_top_up(
        membership=world.alice, amount=D("12.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    output = run_check()
    assert f"{world.group.slug}: ok: 2 accounts, 1 transactions, 2 entries" in output
    assert "0 problems in 0 books" in output
    assert "1 books checked" in run_check("--group", other.group.slug)


def test_a_corrupted_cached_balance_fails_the_check_naming_the_account(world: World) -> None:
    ledger_top_up(
        membership=world.alice, amount=D("12.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    account = member_account(world.alice)
    Account.objects.filter(pk=account.pk).update(balance=D("99.00"))
    out = StringIO()
    with pytest.raises(CommandError, match="1 problems in 1 books"):
        call_command("ledger", "check", "--group", world.group.slug, stdout=out)
    assert f"account {account.pk} ({account.name}): cached balance 9900 minor units" in (
        out.getvalue()
    )


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL's trigger refuses this posting itself"
)
def test_an_unbalanced_transaction_written_behind_the_services_back_fails_the_check(
    world: World,
) -> None:
    account = member_account(world.alice)
    with guards_paused("test: corruption written past the database's guards"):
        bad = Transaction.objects.create(
            book=book_of(world.group), group=world.group, kind="adjustment",
            description="hand-made", booked_on="2026-01-01", idempotency_key="bad",
        )  # fmt: skip
        Entry.objects.create(transaction=bad, account=account, amount=D("1.00"))
    Account.objects.filter(pk=account.pk).update(balance=D("1.00"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=out)
    assert f"transaction {bad.pk}: has 1 entries, needs 2 or more" in out.getvalue()
    assert f"transaction {bad.pk}: entries sum to 100 minor units, not 0" in out.getvalue()


def test_an_unknown_group_is_an_error(db: None) -> None:
    with pytest.raises(CommandError, match="no group"):
        run_check("--group", "nowhere")


def test_an_entry_on_another_groups_account_fails_the_check_in_both_groups(
    world: World, other: World
) -> None:
    from coopbuy.ledger.services import system_account

    stray = Transaction.objects.create(
        book=book_of(world.group), group=world.group, kind="adjustment", description="hand-made",
        booked_on="2026-01-01", idempotency_key="stray", entry_count=2,
    )  # fmt: skip
    mine, theirs = member_account(world.alice), system_account(other.group, "bank")
    Entry.objects.bulk_create(  # one statement: PostgreSQL checks each statement balances
        [
            Entry(transaction=stray, account=mine, amount=D("1.00")),
            Entry(transaction=stray, account=theirs, amount=D("-1.00")),
        ]
    )
    Account.objects.filter(pk=mine.pk).update(balance=D("1.00"))
    Account.objects.filter(pk=theirs.pk).update(balance=D("-1.00"))
    out = StringIO()
    with pytest.raises(CommandError, match="4 problems in 2 books"):
        call_command("ledger", "check", stdout=out)
    assert (
        out.getvalue().count(
            f"transaction {stray.pk}: of book {book_of(world.group).pk} has an entry"
        )
        == 2
    )


def test_a_member_who_leaves_keeps_their_account_and_the_check_still_passes(
    world: World,
) -> None:
    from coopbuy.groups.memberships import membership_leave

    ledger_top_up(
        membership=world.bob, amount=D("4.00"), method="cash", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    account = member_account(world.bob)
    ledger_write_off(
        membership=world.bob, actor=world.coordinator, reason="left", idempotency_key=key()
    )
    membership_leave(membership=world.bob, user=world.bob.user)
    account.refresh_from_db()
    assert account.membership_id == world.bob.pk and account.balance == D("0.00")
    assert "0 problems" in run_check()


def test_monthly_statements_are_emailed_once_through_the_outbox(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    ledger_top_up(
        membership=world.alice, amount=D("8.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(), booked_on=date(2026, 3, 10),
    )  # fmt: skip
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "ledger", "send-statements", "--month", "2026-03", "--group", world.group.slug,
                stdout=StringIO(),
            )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[world.alice.user.email]]
    assert "£0.00 to £8.00" in mail.outbox[0].body
    with pytest.raises(CommandError, match="2026-03"):
        call_command("ledger", "send-statements", "--month", "March", stdout=StringIO())
