"""`coopbuy ledger check`: replay every entry and verify every invariant, book by book.

Every book (a buying group's, a federation's, an organisation's) is checked on its own: each
transaction balanced with two or more entries, no entry on another book's account, the cached
balances equal to the replay, the book as a whole summing to zero, reversals exact and single, and
every posting's (and invoice's) source found. The rules live in `coopbuy.core.ledger`; this module
only reads the rows in bulk (one query per table per book) and hands them over in pence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q

from coopbuy.core import ledger as core
from coopbuy.core.money import to_minor
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import (
    Account,
    Book,
    Entry,
    Invoice,
    LedgerSettings,
    SupplierInvoice,
    Transaction,
)
from coopbuy.ledger.sources import SOURCE_MODELS, SourceKind


@dataclass
class BookReport:
    book: Book
    accounts: int = 0
    transactions: int = 0
    entries: int = 0
    problems: list[core.Problem] = field(default_factory=list)
    warnings: list[core.Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the command names the book: the group's slug, or the book's kind and id."""
        if self.book.group is not None:
            return str(self.book.group.slug)
        return f"{self.book.kind}-book-{self.book.pk} ({self.book.name})"


GroupReport = BookReport  # the name the group pages and older tests know


def check_group(group: BuyingGroup) -> BookReport:
    """The check of the group's book (empty for a group that has not moved money yet)."""
    return check_book(_book_or_empty(group))


def _book_or_empty(group: BuyingGroup) -> Book:
    found = Book.objects.filter(group=group).select_related("group").first()
    return found or Book(kind=Book.Kind.GROUP, name=group.name, group=group)


def check_book(book: Book) -> BookReport:
    """Every invariant of one book (see the module's docstring); members beyond credit: warnings."""
    report = BookReport(book=book)
    if book.pk is None:  # a group's book not opened yet: nothing to check
        return report
    accounts = {a.pk: a for a in Account.objects.filter(book=book)}
    transactions = dict(Transaction.objects.filter(book=book).values_list("pk", "reverses_id"))
    # Entries of this book's transactions, and entries on this book's accounts: both ways round,
    # so that a stray entry shows up whichever side it belongs to.
    rows = list(
        Entry.objects.filter(transaction__book=book).values_list(
            "transaction_id", "account_id", "account__book_id", "amount"
        )
    )
    stray = list(
        Entry.objects.filter(account__book=book)
        .exclude(transaction__book=book)
        .values_list("transaction_id", "transaction__book_id", "account_id", "amount")
    )
    report.accounts, report.transactions, report.entries = (
        len(accounts),
        len(transactions),
        len(rows),
    )
    by_transaction: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for tx, account, _book, amount in rows:
        by_transaction[tx].append((account, to_minor(amount)))
    amounts = {tx: [a for _acc, a in by_transaction.get(tx, [])] for tx in transactions}
    report.problems += core.transaction_problems(amounts)
    report.problems += _renamed(
        core.cross_group_problems(
            [(tx, book.pk, account_book) for tx, _acc, account_book, _amt in rows]
        )
    )
    report.problems += _renamed(
        core.cross_group_problems([(tx, tx_book, book.pk) for tx, tx_book, _acc, _amt in stray])
    )
    replayed = core.replay(
        (account, to_minor(amount))
        for _tx, account, account_book, amount in rows
        if account_book == book.pk
    )
    for account_id, minor in core.replay(
        (account, to_minor(amount)) for _tx, _book, account, amount in stray
    ).items():
        replayed[account_id] = replayed.get(account_id, 0) + minor
    cached = {pk: to_minor(a.balance) for pk, a in accounts.items()}
    named = {pk: f"{pk} ({a.name})" for pk, a in accounts.items()}
    report.problems += core.cached_balance_problems(
        {named[pk]: v for pk, v in cached.items()},
        {named.get(pk, str(pk)): v for pk, v in replayed.items()},
    )
    own = sum(v for pk, v in replayed.items() if pk in accounts)
    if own != 0:  # the book as a whole: its accounts' entries add up to zero
        report.problems.append(
            core.Problem(
                "unbalanced_book",
                f"book {book.pk}",
                f"its accounts' entries add up to {own} pence, not 0",
            )
        )
    report.problems += _source_problems(book)
    reverses = {tx: original for tx, original in transactions.items() if original is not None}
    report.problems += core.reversal_problems(reverses, by_transaction)
    settings = (
        LedgerSettings.objects.filter(group_id=book.group_id).first() if book.group_id else None
    )
    if settings is not None:
        rule = core.CreditRule(settings.prepayment_required, to_minor(settings.credit_limit))
        members = {
            named[pk]: v
            for pk, v in replayed.items()
            if accounts.get(pk) and accounts[pk].kind == "member"
        }
        report.warnings += core.over_credit_problems(members, rule)
    return report


def _renamed(problems: list[core.Problem]) -> list[core.Problem]:
    """The core speaks of groups; the ledger's tenants are books."""
    return [core.Problem(p.code, p.subject, p.message.replace("group", "book")) for p in problems]


def _source_problems(book: Book) -> list[core.Problem]:
    """Every transaction and invoice of the book names a source that exists, in its owner."""
    named: list[tuple[str, str, int]] = []
    named += [
        (f"transaction {pk}", kind, source_id or 0)
        for pk, kind, source_id in Transaction.objects.filter(book=book)
        .exclude(source_kind=SourceKind.MANUAL)
        .values_list("pk", "source_kind", "source_id")
    ]
    if book.group_id is not None:
        for label, model in (("invoice", Invoice), ("supplier invoice", SupplierInvoice)):
            named += [
                (f"{label} {pk}", kind, source_id or 0)
                for pk, kind, source_id in model.objects.filter(group_id=book.group_id)
                .exclude(source_kind=SourceKind.MANUAL)
                .values_list("pk", "source_kind", "source_id")
            ]
    existing: dict[str, set[int]] = {}
    for kind in {kind for _subject, kind, _id in named}:
        ids = {source_id for _subject, k, source_id in named if k == kind}
        if kind == SourceKind.TRANSFER:  # a transfer belongs to the two books it joins
            model = apps.get_model(SOURCE_MODELS[SourceKind.TRANSFER])
            found = model.objects.filter(
                Q(from_book=book) | Q(to_book=book), pk__in=ids
            ).values_list("pk", flat=True)
        else:  # rounds, statement lines, supplier invoices: rows of the book's group
            model = apps.get_model(SOURCE_MODELS[SourceKind(kind)])
            found = model.objects.filter(pk__in=ids, group_id=book.group_id).values_list(
                "pk", flat=True
            )
        existing[kind] = set(found)
    return core.missing_source_problems(named, existing)


def check_books(slug: str | None = None) -> list[BookReport]:
    """Every book (only the group's with `slug`), groups' books first."""
    groups = BuyingGroup.objects.order_by("slug")
    others = Book.objects.filter(group__isnull=True).order_by("kind", "pk")
    if slug is not None:
        groups, others = groups.filter(slug=slug), others.none()
    return [check_group(group) for group in groups] + [check_book(book) for book in others]


check_groups = check_books
