"""Every write a treasurer makes to the ledger, and the one posting primitive under all of them.

`post` is the only code that inserts transactions and entries. It validates the entries with
`coopbuy.core.ledger` (two or more, none zero, summing to zero in pence), locks the accounts
involved with `select_for_update(no_key=True)` ordered by primary key (the fixed order of every
writer, docs/adr/0005-lock-order.md), looks the idempotency key up *after* taking the locks (so a
retried request waits for the first and then returns its transaction), inserts, and writes the
cached balances of the rows it holds locked (one bulk update): no read-decide-write, since nobody
else can change a locked balance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.bulk import bulk_add, bulk_insert
from coopbuy.catalog.models import Supplier
from coopbuy.core import ledger as core
from coopbuy.core.money import from_minor, quantize, to_minor
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.keys import posting_fingerprint
from coopbuy.ledger.models import (
    Account,
    Book,
    Entry,
    LedgerSettings,
    StatementLine,
    Transaction,
)
from coopbuy.ledger.permissions import require_money_role, require_same_group
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
        books = {m.group_id: book_of(m.group) for m in missing}
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


def _money(amount: Decimal, field: str = "amount") -> Decimal:
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
        merged = core.merge_entries((account.pk, to_minor(_money(a))) for account, a in legs)
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


def _member_and_money(membership: Membership, method: str, actor: User) -> tuple[Account, Account]:
    require_money_role(group=membership.group, user=actor)
    if method not in (Kind.BANK, Kind.CASH):
        raise LedgerError(_("Choose bank transfer or cash."), field="method")
    return member_account(membership), system_account(membership.group, method)


def _positive(amount: Decimal) -> Decimal:
    amount = _money(amount)
    if amount <= 0:
        raise LedgerError(_("The amount must be more than zero."), field="amount")
    return amount


# Treasurer's operations --------------------------------------------------------------------------


@transaction.atomic
def ledger_top_up(
    *,
    membership: Membership,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reference: str = "",
    booked_on: date | None = None,
    source: Source = MANUAL,
) -> Transaction:
    """Money in from a member, by bank transfer or cash: the member's balance goes up.

    `source`: a bank statement line when the top-up is booked from one; by hand otherwise.
    """
    amount = _positive(amount)
    account, money = _member_and_money(membership, method, actor)
    posted, created = post(
        group=membership.group,
        kind=TxKind.TOP_UP,
        description=_("Top-up by %(method)s") % {"method": Kind(method).label.lower()},
        legs=[(account, amount), (money, -amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=source,
        booked_on=booked_on,
        external_reference=reference,
    )
    if created:
        audit_record(
            action="ledger.top_up",
            summary=_("%(actor)s recorded a top-up of %(amount)s for %(member)s")
            % {"actor": actor.name, "amount": amount, "member": account.name},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount), "method": method},
        )
    return posted


@transaction.atomic
def ledger_refund(
    *,
    membership: Membership,
    amount: Decimal,
    method: str,
    actor: User,
    idempotency_key: str,
    reason: str = "",
) -> Transaction:
    """Money back to a member; never more than their credit balance."""
    amount = _positive(amount)
    account, money = _member_and_money(membership, method, actor)

    def enough(locked: dict[int, Account]) -> None:
        if locked[account.pk].balance < amount:
            raise InsufficientFunds(
                _("%(member)s has only %(balance)s in credit to refund.")
                % {"member": account.name, "balance": locked[account.pk].balance},
                field="amount",
            )

    posted, created = post(
        group=membership.group,
        kind=TxKind.REFUND,
        description=(_("Refund: %(reason)s") % {"reason": reason}) if reason else _("Refund"),
        legs=[(account, -amount), (money, amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
        check=enough,
    )
    if created:
        audit_record(
            action="ledger.refund",
            summary=_("%(actor)s refunded %(amount)s to %(member)s")
            % {"actor": actor.name, "amount": amount, "member": account.name},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount)},
        )
    return posted


@transaction.atomic
def ledger_adjust(
    *, membership: Membership, amount: Decimal, reason: str, actor: User, idempotency_key: str
) -> Transaction:
    """A manual correction with a reason: positive credits the member, negative charges them."""
    require_money_role(group=membership.group, user=actor)
    amount = _money(amount)
    if amount == 0:
        raise LedgerError(_("The amount must not be zero."), field="amount")
    if not reason.strip():
        raise LedgerError(_("Say why: the member will see it."), field="reason")
    account = member_account(membership)
    posted, created = post(
        group=membership.group,
        kind=TxKind.ADJUSTMENT,
        description=_("Adjustment: %(reason)s") % {"reason": reason.strip()},
        legs=[(account, amount), (system_account(membership.group, Kind.ADJUSTMENTS), -amount)],
        actor=actor,
        idempotency_key=idempotency_key,
        source=MANUAL,
    )
    if created:
        audit_record(
            action="ledger.adjustment",
            summary=_("%(actor)s adjusted %(member)s's balance by %(amount)s: %(reason)s")
            % {"actor": actor.name, "member": account.name, "amount": amount, "reason": reason},
            actor=actor,
            group=membership.group,
            subject=membership.user,
            data={"transaction": posted.pk, "amount": str(amount)},
        )
    return posted


@transaction.atomic
def ledger_reverse(
    *, original: Transaction, actor: User, idempotency_key: str, reason: str = ""
) -> Transaction:
    """Undo a transaction by posting its exact mirror; a transaction is reversed at most once.

    Under a prepayment rule a reversal may not push a member beyond their credit (undoing a top-up
    they have already spent): the treasurer records an adjustment with a reason instead.
    """
    group = original.group
    if group is None:
        raise LedgerError(_("Only a buying group's transactions can be reversed here yet."))
    require_money_role(group=group, user=actor)
    if original.kind == TxKind.REVERSAL:
        raise LedgerError(_("A reversal cannot itself be reversed: record a new transaction."))
    existing = Transaction.objects.filter(group=group, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.reverses_id != original.pk:
            raise KeyReused(
                _(
                    "This form (or request key) was already used for transaction #%(pk)s. "
                    "Nothing was recorded: start again from a fresh form."
                )
                % {"pk": existing.pk}
            )
        return existing
    if Transaction.objects.filter(reverses=original).exists():
        raise LedgerError(_("This transaction has already been reversed."))
    # A bank line booked by this transaction is locked before the accounts (docs/adr/0005).
    list(StatementLine.objects.select_for_update(no_key=True).filter(transaction=original))
    entries = list(original.entries.select_related("account"))
    legs = [(e.account, -e.amount) for e in entries]
    description = _("Reversal of #%(pk)s: %(what)s") % {
        "pk": original.pk,
        "what": original.description,
    }
    if reason.strip():
        description += f" ({reason.strip()})"
    try:
        posted, created = post(
            group=group,
            kind=TxKind.REVERSAL,
            description=description,
            legs=legs,
            actor=actor,
            idempotency_key=idempotency_key,
            round_reference=original.round_reference,
            source=Source(original.source_kind, original.source_id),
            reverses=original,
            enforce_credit=True,
        )
    except InsufficientFunds as refused:  # a reversal names no amount: the ledger's state refuses
        raise InsufficientFunds(
            _("%(why)s Record an adjustment with a reason instead.") % {"why": refused.message}
        ) from refused
    if created:
        # A top-up booked from a bank line: the line waits for review again, no member chosen
        # (the booking was a mistake), so it can be booked anew.
        StatementLine.objects.filter(transaction=original).update(
            status=StatementLine.Status.UNMATCHED, account=None, transaction=None
        )
        audit_record(
            action="ledger.reversal",
            summary=_("%(actor)s reversed transaction #%(pk)s")
            % {"actor": actor.name, "pk": original.pk},
            actor=actor,
            group=group,
            data={"transaction": posted.pk, "reverses": original.pk, "reason": reason},
        )
    return posted


@transaction.atomic
def ledger_settings_update(
    *,
    group: BuyingGroup,
    actor: User,
    prepayment_required: bool,
    credit_limit: Decimal,
    invoice_prefix: str,
) -> LedgerSettings:
    """Change the group's ordering rule and invoice prefix."""
    require_money_role(group=group, user=actor)
    credit_limit = _money(credit_limit, "credit_limit")
    if credit_limit < 0:
        raise LedgerError(_("The credit limit cannot be negative."), field="credit_limit")
    prefix = invoice_prefix.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,12}", prefix):
        raise LedgerError(_("Use 1 to 12 letters or digits, e.g. HEB."), field="invoice_prefix")
    settings = LedgerSettings.objects.select_for_update(no_key=True).get(pk=settings_for(group).pk)
    before = (settings.prepayment_required, settings.credit_limit, settings.invoice_prefix)
    settings.prepayment_required = prepayment_required
    settings.credit_limit = credit_limit
    settings.invoice_prefix = prefix
    settings.save()
    audit_record(
        action="ledger.settings_updated",
        summary=_("%(actor)s changed the money rules") % {"actor": actor.name},
        actor=actor,
        group=group,
        data={
            "before": [before[0], str(before[1]), before[2]],
            "after": [prepayment_required, str(credit_limit), prefix],
        },
    )
    return settings
