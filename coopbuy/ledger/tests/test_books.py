"""Books: a group's accounts are in its book; a transfer between books is two balanced postings."""

from __future__ import annotations

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.checks import check_book, check_books
from coopbuy.ledger.models import Account, Book, Transaction, Transfer
from coopbuy.ledger.services import LedgerError, book_of, member_account
from coopbuy.ledger.sources import SourceKind
from coopbuy.ledger.transfers import ledger_transfer, transfer_open
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, key


def _federation() -> tuple[Book, Account]:
    book = Book.objects.create(kind=Book.Kind.FEDERATION, name="Calder Valley Federation")
    bank = Account.objects.create(book=book, kind=Account.Kind.BANK, name="Federation bank")
    return book, bank


def test_a_groups_accounts_and_postings_are_in_its_book(world: World) -> None:
    posted = ledger_top_up(
        membership=world.alice, amount=D("5.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    book = book_of(world.group)
    assert (book.kind, book.group_id) == (Book.Kind.GROUP, world.group.pk)
    assert posted.book_id == book.pk
    assert {a.book_id for a in Account.objects.filter(group=world.group)} == {book.pk}


def test_a_group_pays_its_federation_in_two_balanced_postings_with_one_source(
    world: World,
) -> None:
    federation, federation_bank = _federation()
    ledger_top_up(
        membership=world.alice, amount=D("50.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    from coopbuy.ledger.services import system_account

    group_bank = system_account(world.group, "bank")
    token = key()
    transfer = ledger_transfer(
        paying=group_bank, receiving=federation_bank, amount=D("30.00"),
        description="Share of the pooled flour order", actor=world.treasurer,
        idempotency_key=token,
    )  # fmt: skip
    legs = Transaction.objects.filter(source_kind=SourceKind.TRANSFER, source_id=transfer.pk)
    assert sorted(legs.values_list("book_id", flat=True)) == sorted(
        [book_of(world.group).pk, federation.pk]
    )
    for leg in legs:
        assert sum(e.amount for e in leg.entries.all()) == 0
    group_bank.refresh_from_db()
    federation_bank.refresh_from_db()
    assert group_bank.balance == D("-20.00")  # 50 in, 30 out (bank reads as -balance held)
    assert federation_bank.balance == D("-30.00")
    owed = Account.objects.get(book=book_of(world.group), counterparty=federation)
    assert owed.balance == D("-30.00")
    # Retried: the same transfer, nothing posted twice.
    again = ledger_transfer(
        paying=group_bank, receiving=federation_bank, amount=D("30.00"),
        description="Share of the pooled flour order", actor=world.treasurer,
        idempotency_key=token,
    )  # fmt: skip
    assert again == transfer and legs.count() == 2
    assert all(not report.problems for report in check_books())
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "federation-book" in out.getvalue() and "0 problems" in out.getvalue()


def test_a_transfer_is_refused_to_the_same_book_or_by_another_groups_treasurer(
    world: World, other: World
) -> None:
    from coopbuy.ledger.services import system_account

    _book, federation_bank = _federation()
    with pytest.raises(LedgerError, match="another book"):
        ledger_transfer(
            paying=system_account(world.group, "bank"),
            receiving=system_account(world.group, "cash"),
            amount=D("1.00"), description="x", actor=world.treasurer, idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(AccessDenied):
        ledger_transfer(
            paying=system_account(world.group, "bank"), receiving=federation_bank,
            amount=D("1.00"), description="x", actor=other.treasurer, idempotency_key=key(),
        )  # fmt: skip
    with pytest.raises(LedgerError, match=r"too large: at most £99,999,999\.99 at once"):
        ledger_transfer(
            paying=system_account(world.group, "bank"), receiving=federation_bank,
            amount=D("100000000.00"), description="x", actor=world.treasurer,
            idempotency_key=key(),
        )  # fmt: skip
    assert not Transaction.objects.filter(kind="transfer").exists()


def test_a_corrupted_cached_balance_is_found_while_the_books_entries_still_balance(
    world: World,
) -> None:
    ledger_top_up(
        membership=world.alice, amount=D("5.00"), method="bank", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    Account.objects.filter(pk=member_account(world.alice).pk).update(balance=D("6.00"))
    codes = {p.code for p in check_book(book_of(world.group)).problems}
    assert codes == {"cached_balance"}  # the entries still balance: only the cache is wrong


def test_every_area_opens_its_transfers_in_one_currency(world: World) -> None:
    """`transfer_open` (used by subsidies, payroll, pooled rounds and team deals as well as
    `ledger_transfer`) refuses books that keep different currencies; nothing is written."""
    euros = Book.objects.create(
        kind=Book.Kind.FEDERATION, name="Eurozone Federation", currency="EUR"
    )
    with pytest.raises(LedgerError, match="same currency"):
        transfer_open(
            from_book=book_of(world.group), to_book=euros, amount=D("1.00"), description="x"
        )
    assert not Transfer.objects.exists()
    pounds, _bank = _federation()
    made = transfer_open(
        from_book=book_of(world.group), to_book=pounds, amount=D("2.50"), description="y" * 400
    )
    assert (made.amount, len(made.description)) == (D("2.50"), 300)
