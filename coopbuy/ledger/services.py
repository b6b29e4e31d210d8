"""The one posting primitive under every write to the ledger, and the accounts it posts to.

`post` is the only code that inserts transactions and entries. It validates the entries with
`coopbuy.core.ledger` (two or more, none zero, summing to zero in pence), locks the accounts
involved with `select_for_update(no_key=True)` ordered by primary key (the fixed order of every
writer, docs/adr/0005-lock-order.md), looks the idempotency key up *after* taking the locks (so a
retried request waits for the first and then returns its transaction), inserts, and writes the
cached balances of the rows it holds locked (one bulk update): no read-decide-write, since nobody
else can change a locked balance.

The treasurer's own bookings (top-ups, refunds, adjustments, reversals, the money rules) are in
`coopbuy.ledger.treasury`; round charges, supplier money and transfers in their own modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.bulk import bulk_add, bulk_insert
from coopbuy.catalog.models import Supplier
from coopbuy.core import ledger as core
from coopbuy.core.display import display_money
from coopbuy.core.money import from_minor, quantize, to_minor
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.keys import posting_fingerprint
from coopbuy.ledger.models import (
    Account,
    Book,
    Entry,
    LedgerSettings,
    Transaction,
)
from coopbuy.ledger.permissions import require_same_group
from coopbuy.ledger.sources import MANUAL, Source

Kind = Account.Kind
TxKind = Transaction.Kind
Legs = Sequence[tuple[Account, Decimal]]


class LedgerError(UserFacingError):
    pass


class InsufficientFunds(LedgerError):
    pass


class KeyReused(LedgerError):
    """The same idempotency key came with different data: refused, nothing recorded."""


# Accounts ----------------------------------------------------------------------------------------


def book_of(group: BuyingGroup) -> Book:
    """The group's book, opened on first use (a group created after the books arrived)."""
    found = Book.objects.filter(group_id=group.pk).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Book.objects.create(
                kind=Book.Kind.GROUP, name=group.name[:160], group=group, currency=group.currency
            )
    except IntegrityError:  # opened by a concurrent request
        return Book.objects.get(group_id=group.pk)


def payment_reference_for(membership: Membership) -> str:
    """A stable, unique reference members put on bank transfers, e.g. "CB-HEB-0012"."""
    prefix = re.sub(r"[^A-Z0-9]", "", membership.group.slug.upper())[:3] or "GRP"
    return f"CB-{prefix}-{membership.pk:04d}"


def member_account(membership: Membership) -> Account:
    """The membership's account, opened on first use."""
    account = Account.objects.filter(membership=membership).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                book=book_of(membership.group),
                group_id=membership.group_id,
                kind=Kind.MEMBER,
                name=membership.user.name,
                membership=membership,
                payment_reference=payment_reference_for(membership),
            )
    except IntegrityError:  # opened by a concurrent request
        return Account.objects.get(membership=membership)


def member_accounts(memberships: Iterable[Membership]) -> dict[int, Account]:
    """Many memberships' accounts at once (opening the missing ones), by membership id.

    A round of 10,000 households is charged in one posting; one query per member would dominate.
    """
    wanted = {m.pk: m for m in memberships}
    found = {a.membership_id: a for a in Account.objects.filter(membership_id__in=wanted)}
    missing = [m for pk, m in wanted.items() if pk not in found]
    if missing:
        groups = BuyingGroup.objects.in_bulk({m.group_id for m in missing})
        books = {pk: book_of(group) for pk, group in groups.items()}
        Account.objects.bulk_create(
            [
                Account(
                    book=books[m.group_id],
                    group_id=m.group_id,
                    kind=Kind.MEMBER,
                    name=m.user.name,
                    membership=m,
                    payment_reference=payment_reference_for(m),
                )
                for m in missing
            ],
            ignore_conflicts=True,  # opened meanwhile by a concurrent request: fetched below
        )
        found.update(
            (a.membership_id, a)
            for a in Account.objects.filter(membership_id__in=[m.pk for m in missing])
        )
    return {pk: account for pk, account in found.items() if pk is not None}


def system_account(group: BuyingGroup, kind: str) -> Account:
    """The group's bank, cash box, delivery costs, fees income, adjustments or subsidies."""
    assert kind in Account.SINGLE_KINDS, kind
    book = book_of(group)
    account, _created = Account.objects.get_or_create(
        book=book, kind=kind, defaults={"name": str(Kind(kind).label), "group": group}
    )
    return account


def supplier_account(group: BuyingGroup, supplier: Supplier) -> Account:
    """What the group owes one supplier, opened on first use."""
    if supplier.group_id != group.pk:
        raise LedgerError(_("This supplier belongs to another group."))
    account = Account.objects.filter(supplier=supplier).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                book=book_of(group),
                group=group,
                kind=Kind.SUPPLIER,
                name=supplier.name,
                supplier=supplier,
            )
    except IntegrityError:
        return Account.objects.get(supplier=supplier)


def settings_for(group: BuyingGroup) -> LedgerSettings:
    found = LedgerSettings.objects.filter(group=group).first()
    if found is not None:
        return found
    prefix = re.sub(r"[^A-Z0-9]", "", group.slug.upper())[:3] or "INV"
    settings, _created = LedgerSettings.objects.get_or_create(
        group=group, defaults={"invoice_prefix": prefix, "credit_limit": Decimal("0.00")}
    )
    return settings


def credit_rule(settings: LedgerSettings) -> core.CreditRule:
    return core.CreditRule(
        prepayment_required=settings.prepayment_required,
        credit_limit_minor=to_minor(settings.credit_limit),
    )


# Posting -----------------------------------------------------------------------------------------


RECORDABLE = Decimal("9999999999.99")  # what an entry or a balance (12 digits, 2 decimals) holds
MAX_AMOUNT = Decimal("99999999.99")  # the largest payment, transfer or top-up taken at once


def too_large_at_once(currency: str) -> str:
    """The refusal of an amount over `MAX_AMOUNT`, the limit as pages show it (£99,999,999.99)."""
    return _("That amount is too large: at most %(max)s at once.") % {
        "max": display_money(MAX_AMOUNT, currency, get_language() or "en")
    }


def exact_amount(amount: Decimal, field: str = "amount") -> Decimal:
    """The amount, refused unless it is in pounds and pence and small enough to record."""
    if not amount.is_finite() or abs(amount) > RECORDABLE:
        raise LedgerError(_("That amount is too large to record: check it."), field=field)
    if quantize(amount) != amount:
        raise LedgerError(_("Give the amount in pounds and pence, e.g. 12.40."), field=field)
    return quantize(amount)


def post(
    *,
    group: BuyingGroup | None,
    kind: str,
    description: str,
    legs: Legs,
    actor: User | None,
    idempotency_key: str,
    source: Source = MANUAL,
    booked_on: date | None = None,
    round_reference: str = "",
    external_reference: str = "",
    reverses: Transaction | None = None,
    check: Callable[[dict[int, Account]], None] | None = None,
    enforce_credit: bool = False,
    book: Book | None = None,
) -> tuple[Transaction, bool]:
    """Post one balanced transaction; `(transaction, created)`. A known key returns the first one.

    `source` names what the posting comes from (see `coopbuy.ledger.sources`; by default it was
    entered by hand). A known key with
    different data (other legs, source, description, references) is refused with `KeyReused`.

    `check` runs with the locked accounts before anything is written (e.g. "a refund may not exceed
    the balance"): it sees balances no one else can change until this transaction ends.
    `enforce_credit` refuses to debit a member beyond the group's credit rule (credits always pass,
    so a member already beyond it can still be paid back).
    """
    if not idempotency_key:
        raise LedgerError(_("This request has no idempotency key; reload the page and try again."))
    with transaction.atomic():
        if group is not None:
            require_same_group(group, *(account for account, _amount in legs))
            book = book_of(group)
        if book is None:
            raise LedgerError(_("A posting needs a book."))
        if any(account.book_id != book.pk for account, _amount in legs):
            raise LedgerError(_("Every account of a posting must be in its book."))
        merged = core.merge_entries((account.pk, to_minor(exact_amount(a))) for account, a in legs)
        ids = sorted({account.pk for account, _amount in legs})
        locked = {
            a.pk: a
            for a in Account.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
        }
        fingerprint = posting_fingerprint(
            kind=kind,
            source=(source.kind, source.id),
            legs=merged,
            description=description[:300],
            external_reference=external_reference[:120],
            booked_on=booked_on,
            reverses=reverses.pk if reverses is not None else None,
        )
        existing = Transaction.objects.filter(book=book, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_posting(existing, fingerprint), False
        problems = core.posting_problems([amount for _pk, amount in merged])
        if problems:
            raise LedgerError(_("This posting does not balance: %(why)s") % {"why": problems[0]})
        if any(abs(locked[pk].balance + from_minor(a)) > RECORDABLE for pk, a in merged):
            raise LedgerError(_("That amount would take a balance beyond what can be recorded."))
        if check is not None:
            check(locked)
        if enforce_credit and group is not None:
            _check_credit(group, locked, merged)
        try:
            with transaction.atomic():
                posted = Transaction.objects.create(
                    book=book,
                    group=group,
                    kind=kind,
                    description=description[:300],
                    round_reference=round_reference,
                    external_reference=external_reference[:120],
                    booked_on=booked_on or timezone.localdate(),
                    reverses=reverses,
                    source_kind=source.kind,
                    source_id=source.id,
                    idempotency_key=idempotency_key,
                    fingerprint=fingerprint,
                    entry_count=len(merged),
                    created_by=actor,
                )
        except IntegrityError:
            found = Transaction.objects.filter(book=book, idempotency_key=idempotency_key).first()
            if found is None:  # the reversal's one-to-one: already reversed
                raise LedgerError(_("This transaction has already been reversed.")) from None
            return _same_posting(found, fingerprint), False
        bulk_insert(
            Entry,
            ["transaction_id", "account_id", "amount"],
            ((posted.pk, pk, from_minor(amount)) for pk, amount in merged),
        )
        # The rows are locked FOR UPDATE above, so their balances cannot change under us: bulk
        # additions write them all (a round charges thousands of accounts in one posting).
        bulk_add(Account, "balance", [(pk, from_minor(amount)) for pk, amount in merged], locked)
    return posted, True


def _same_posting(existing: Transaction, fingerprint: str) -> Transaction:
    """The posting a known key made, if this request says the same; refused if it does not."""
    if existing.fingerprint and existing.fingerprint != fingerprint:
        raise KeyReused(
            _(
                "This form (or request key) was already used for transaction #%(pk)s with "
                "different details. Nothing was recorded: start again from a fresh form."
            )
            % {"pk": existing.pk}
        )
    return existing


def _check_credit(
    group: BuyingGroup, locked: dict[int, Account], merged: Sequence[tuple[int, int]]
) -> None:
    rule = credit_rule(settings_for(group))
    for pk, amount in merged:
        account = locked[pk]
        if account.kind != Kind.MEMBER or amount >= 0:
            continue
        if not core.may_spend(-amount, to_minor(account.balance), rule):
            available = core.available_to_spend(to_minor(account.balance), rule) or 0
            raise InsufficientFunds(
                _("%(member)s may spend only %(available)s more under the group's rules.")
                % {"member": account.name, "available": from_minor(available)},
                field="amount",
            )
