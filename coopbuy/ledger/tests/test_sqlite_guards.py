"""On SQLite the database itself refuses what PostgreSQL's triggers refuse (see ledger.guards)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from coopbuy.ledger.guards import guards_paused
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import book_of, member_account, system_account
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, key

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's own triggers: test_postgresql_guards.py"
)


def _posting(world: World, amounts: list[str], declared: int | None = None) -> Transaction:
    """A transaction and its entries written straight to the tables, past the services."""
    accounts = [
        member_account(world.alice),
        member_account(world.bob),
        system_account(world.group, "bank"),
    ]
    tx = Transaction.objects.create(
        book=book_of(world.group), group=world.group, kind="adjustment", description="by hand",
        booked_on="2026-01-01", idempotency_key=key(),
        entry_count=len(amounts) if declared is None else declared,
    )  # fmt: skip
    Entry.objects.bulk_create(
        Entry(transaction=tx, account=accounts[i % 3], amount=D(a)) for i, a in enumerate(amounts)
    )
    return tx


def test_entries_and_transactions_cannot_be_updated_or_deleted(world: World) -> None:
    posted = ledger_top_up(
        membership=world.alice, amount=D("5.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    attempts = [
        lambda: Entry.objects.filter(transaction=posted).update(amount=D("6.00")),
        lambda: Entry.objects.filter(transaction=posted).delete(),
        lambda: Transaction.objects.filter(pk=posted.pk).update(description="rewritten"),
        lambda: connection.cursor().execute(
            "DELETE FROM ledger_transaction WHERE id = %s", [posted.pk]
        ),  # the ORM would refuse first: the entries PROTECT their transaction
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    posted.refresh_from_db()
    assert posted.description.startswith("Top-up") and posted.entries.count() == 2


def test_an_unbalanced_transaction_is_refused(world: World) -> None:
    with pytest.raises(IntegrityError, match="do not sum to zero"), transaction.atomic():
        _posting(world, ["1.00", "-0.99"])
    with pytest.raises(IntegrityError, match="2 or more"), transaction.atomic():
        _posting(world, ["1.00"])
    assert not Transaction.objects.exists()


def test_pence_that_floating_point_would_not_add_up_still_balance(world: World) -> None:
    tx = _posting(world, ["0.10", "0.20", "-0.30", "1234567.89", "-1234567.89"])
    assert tx.entries.count() == 5


def test_an_entry_slipped_into_a_complete_transaction_is_refused(world: World) -> None:
    tx = _posting(world, ["2.00", "-2.00"])
    with pytest.raises(IntegrityError, match="more entries than it declared"), transaction.atomic():
        Entry.objects.create(transaction=tx, account=member_account(world.alice), amount=D("1"))
    assert tx.entries.count() == 2


def test_a_transaction_left_short_of_entries_stops_the_next_one(world: World) -> None:
    with pytest.raises(IntegrityError, match="missing entries"), transaction.atomic():
        _posting(world, ["3.00", "-3.00"], declared=3)  # 2 of the 3 it declared
        _posting(world, ["1.00", "-1.00"])


def test_the_guards_can_be_paused_for_a_migration_and_hold_again_after(world: World) -> None:
    tx = _posting(world, ["2.00", "-2.00"])
    with guards_paused("test"):
        Transaction.objects.filter(pk=tx.pk).update(description="fixed by a migration")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transaction.objects.filter(pk=tx.pk).update(description="again")
    assert Transaction.objects.get(pk=tx.pk).description == "fixed by a migration"
    assert Account.objects.filter(group=world.group).exists()
