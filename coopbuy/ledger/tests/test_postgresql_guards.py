"""PostgreSQL's own guards: append-only tables, balanced transactions, no lost updates."""

from __future__ import annotations

import threading
from decimal import Decimal as D

import pytest
from django.db import DatabaseError, connection, connections, transaction

from coopbuy.ledger.charges import MemberCharge, ledger_post_round_charges
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import book_of, member_account, system_account
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, a_round, key, make_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="these guards are PostgreSQL triggers and row locks; SQLite has neither",
)


@pytest.mark.django_db
def test_updating_or_deleting_a_posted_entry_or_transaction_raises(world: World) -> None:
    posted = ledger_top_up(
        membership=world.alice,
        amount=D("5.00"),
        method="bank",
        actor=world.treasurer,
        idempotency_key=key(),
    )
    for attempt in (
        lambda: Entry.objects.filter(transaction=posted).update(amount=D("6.00")),
        lambda: Entry.objects.filter(transaction=posted).delete(),
        lambda: Transaction.objects.filter(pk=posted.pk).update(description="changed"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert Entry.objects.filter(transaction=posted).count() == 2


@pytest.mark.django_db
def test_an_unbalanced_transaction_is_refused_at_commit(world: World) -> None:
    account = member_account(world.alice)
    with pytest.raises(DatabaseError, match="summing to"), transaction.atomic():
        bad = Transaction.objects.create(
            book=book_of(world.group),
            group=world.group,
            kind="adjustment",
            description="hand-made",
            booked_on="2026-01-01",
            idempotency_key="bad",
        )
        Entry.objects.create(transaction=bad, account=account, amount=D("1.00"))
        with connection.cursor() as cursor:  # what COMMIT would do
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_entries_that_do_not_balance_are_refused_as_they_are_written(world: World) -> None:
    posted = ledger_top_up(
        membership=world.alice,
        amount=D("5.00"),
        method="bank",
        actor=world.treasurer,
        idempotency_key=key(),
    )
    account = member_account(world.alice)
    # An entry slipped into a transaction posted earlier unbalances it: refused at once.
    with pytest.raises(DatabaseError, match="summing to"), transaction.atomic():
        Entry.objects.create(transaction=posted, account=account, amount=D("1.00"))
    # A transaction's entries go in together: written one by one, the first is refused.
    with pytest.raises(DatabaseError, match="has 1 entries"), transaction.atomic():
        fresh = Transaction.objects.create(
            book=book_of(world.group),
            group=world.group,
            kind="adjustment",
            description="hand-made",
            booked_on="2026-01-01",
            idempotency_key="one-by-one",
        )
        Entry.objects.create(transaction=fresh, account=account, amount=D("1.00"))
    # A transaction left with no entries at all is refused at commit.
    with pytest.raises(DatabaseError, match="has 0 entries"), transaction.atomic():
        Transaction.objects.create(
            book=book_of(world.group),
            group=world.group,
            kind="adjustment",
            description="empty",
            booked_on="2026-01-01",
            idempotency_key="empty",
        )
        with connection.cursor() as cursor:  # what COMMIT would do
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert Entry.objects.filter(transaction=posted).count() == 2


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_charges_and_top_ups_to_one_account_lose_nothing() -> None:
    world = make_world("Concurrent")
    account = member_account(world.alice)
    errors: list[BaseException] = []
    start = threading.Barrier(10)

    def work(index: int) -> None:
        try:
            start.wait() if index < 10 else None
            if index % 2:
                ledger_top_up(
                    membership=world.alice,
                    amount=D("3.00"),
                    method="bank",
                    actor=world.treasurer,
                    idempotency_key=f"top-up-{index}",
                )
            else:
                ledger_post_round_charges(
                    group=world.group,
                    round_id=a_round(world.group, f"Round {index}"),
                    round_reference=f"Round {index}",
                    charges=[
                        MemberCharge(
                            world.alice.pk, D("1.00"), D("0.10"), D("0"), D("0"), D("1.10")
                        )
                    ],
                    supplier_goods={world.supplier.pk: D("1.00")},
                    delivery_fees={},
                    actor=None,
                    idempotency_key=f"round-{index}",
                )
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    account.refresh_from_db()
    assert account.balance == 25 * D("3.00") - 25 * D("1.10")
    assert Transaction.objects.filter(group=world.group).count() == 50
    assert system_account(world.group, "fees").balance == D("2.50")
    assert check_group(world.group).problems == []
    assert Account.objects.get(supplier=world.supplier).balance == D("25.00")
