"""Money between books: a group paying its federation (or an organisation funding a group).

Each book balances by itself, so a transfer is two postings, one in each book, both naming the
one `Transfer` row as their source:

    paying book      its money account (bank, cash) credit amount  (the money leaves)
                     what it owes the other book   debit  amount
    receiving book   its money account             debit  amount  (the money arrives)
                     what it owes the paying book   credit amount

"What a book owes another" is the book's `between` account for that counterparty, opened on
first use. Both postings are made in one database transaction: both or neither.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Account, Book, Transaction, Transfer
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import MAX_AMOUNT, LedgerError, post, too_large_at_once
from coopbuy.ledger.sources import Source, SourceKind

Kind = Account.Kind
MONEY_KINDS = (Kind.BANK, Kind.CASH)


def transfer_open(
    *,
    from_book: Book,
    to_book: Book,
    amount: Decimal,
    description: str,
    actor: User | None = None,
) -> Transfer:
    """The row that links the two postings of money moving between books; each book then posts
    its own side naming it as the source. Every area that moves money between books opens its
    transfer here, so its rules live in one place: two books (the database refuses one), one
    currency, a positive amount (the database refuses less), a description that fits."""
    if from_book.currency != to_book.currency:
        raise LedgerError(_("Both books must keep the same currency."))
    return Transfer.objects.create(
        from_book=from_book,
        to_book=to_book,
        amount=amount,
        description=description[:300],
        created_by=actor,
    )


def between_account(book: Book, counterparty: Book) -> Account:
    """What `book` owes `counterparty` (negative: what it is owed), opened on first use."""
    found = Account.objects.filter(book=book, counterparty=counterparty).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(
                book=book,
                group_id=book.group_id,
                kind=Kind.BETWEEN_BOOKS,
                name=counterparty.name[:160],
                counterparty=counterparty,
            )
    except IntegrityError:  # opened by a concurrent request
        return Account.objects.get(book=book, counterparty=counterparty)


@transaction.atomic
def ledger_transfer(
    *,
    paying: Account,
    receiving: Account,
    amount: Decimal,
    description: str,
    actor: User,
    idempotency_key: str,
) -> Transfer:
    """Move `amount` from one book's bank (or cash box) to another book's; returns the transfer.

    The actor must run the paying book's money (its group's treasurer or coordinator). The same
    `idempotency_key` again returns the first transfer.
    """
    if paying.kind not in MONEY_KINDS or receiving.kind not in MONEY_KINDS:
        raise LedgerError(_("Transfer from a bank or cash account to another book's."))
    if paying.book_id == receiving.book_id:
        raise LedgerError(_("A transfer goes to another book; within a book, post a booking."))
    if not amount.is_finite() or amount > MAX_AMOUNT:
        raise LedgerError(too_large_at_once(paying.book.currency), field="amount")
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise LedgerError(_("Give an amount of more than zero, e.g. 120.00."), field="amount")
    description = description.strip()
    if not description:
        raise LedgerError(_("Say what the transfer is for."), field="description")
    from_book, to_book = Book.objects.get(pk=paying.book_id), Book.objects.get(pk=receiving.book_id)
    if from_book.group is None:
        raise LedgerError(_("Only a buying group's book can pay from here yet."))
    require_money_role(group=from_book.group, user=actor)
    key = system_key(f"transfer:{_short(idempotency_key)}")
    known = Transfer.objects.filter(from_book=from_book, pk__in=_transfers_keyed(from_book, key))
    if known.exists():
        return known.get()
    transfer = transfer_open(
        from_book=from_book, to_book=to_book, amount=amount, description=description, actor=actor
    )
    source = Source(SourceKind.TRANSFER, transfer.pk)
    text = _("Transfer to %(book)s: %(what)s") % {"book": to_book.name, "what": description}
    post(
        group=from_book.group, book=from_book, kind="transfer", description=text,
        legs=[(paying, amount), (between_account(from_book, to_book), -amount)],
        actor=actor, idempotency_key=key, source=source,
    )  # fmt: skip
    text = _("Transfer from %(book)s: %(what)s") % {"book": from_book.name, "what": description}
    post(
        group=to_book.group, book=to_book, kind="transfer", description=text,
        legs=[(receiving, -amount), (between_account(to_book, from_book), amount)],
        actor=actor, idempotency_key=key, source=source,
    )  # fmt: skip
    audit_record(
        action="ledger.transfer",
        summary=_("%(actor)s transferred %(amount)s from %(from)s to %(to)s")
        % {"actor": actor.name, "amount": amount, "from": from_book.name, "to": to_book.name},
        actor=actor,
        group=from_book.group,
        data={"transfer": transfer.pk, "amount": str(amount)},
    )
    return transfer


def _short(idempotency_key: str) -> str:
    """The key as given, or its SHA-256 if too long to fit the ledger's key column with the
    `sys:transfer:` prefix (a user key, "usr:" and 64 hex digits, is)."""
    if len(idempotency_key) <= 64:
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


def _transfers_keyed(book: Book, key: str) -> list[int]:
    return [
        pk
        for pk in Transaction.objects.filter(
            book=book, idempotency_key=key, source_kind=SourceKind.TRANSFER
        ).values_list("source_id", flat=True)
        if pk is not None
    ]
