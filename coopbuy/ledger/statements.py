"""Bank statement import: read a CSV, match lines to members by payment reference, book top-ups.

Nothing is booked on import: matched lines wait for the treasurer to confirm them, unmatched ones
(no known reference, or money going out) wait for review and can be assigned by hand or ignored.
A line is the same payment as one imported before (from this statement or an overlapping one)
when its date, amount, reference and counterparty (the paying account) are: a file with two such
lines holds two payments, and only as many as were not imported already are stored. A line with
the bank's own transaction id is recognised by that id instead. Booking a line uses the key
"statement-line-<id>", so a line becomes at most one top-up; reversing that top-up puts the line
back for review (`treasury.ledger_reverse`), and booking it again uses the next key
("statement-line-<id>-2").

Amounts are read as the bank wrote them: "1,50" with a decimal comma is 1.50, "1.234,56" and
"1,234.56" are both 1234.56. The decimal separator is worked out from the whole column; when the
column could be read both ways ("1,500" alone is 1.5 or 1500) the treasurer is asked to choose it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import StatementImport, StatementLine, Transaction
from coopbuy.ledger.permissions import require_money_role
from coopbuy.ledger.services import MAX_AMOUNT, LedgerError, member_account, payment_reference_for
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.treasury import ledger_top_up

Status = StatementLine.Status
REFERENCE = re.compile(r"\bCB-([A-Z0-9]{1,3})-(\d{4,})\b", re.IGNORECASE)
DATE_FORMATS = {
    "%Y-%m-%d": "2026-03-31",
    "%d/%m/%Y": "31/03/2026",
    "%m/%d/%Y": "03/31/2026",
    "%d.%m.%Y": "31.03.2026",
    "%d-%m-%Y": "31-03-2026",
}
FIELDS = ("date", "amount", "reference", "counterparty", "bank_id")
DECIMAL_SEPARATORS = {"auto": "", ".": "1,234.56", ",": "1.234,56"}
MAX_BYTES = 2_000_000


class StatementError(LedgerError):
    pass


@dataclass(frozen=True)
class StatementFile:
    headers: list[str]
    rows: list[list[str]]


def statement_read(content: bytes) -> StatementFile:
    """The header row and data rows of a CSV statement (UTF-8 or Latin-1; , ; or tab)."""
    if len(content) > MAX_BYTES:
        raise StatementError(_("The file is too large (2 MB at most)."), field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    not_csv = StatementError(_("This is not a bank statement as a CSV file."), field="file")
    if "\x00" in text:  # a binary file (and PostgreSQL could not store it)
        raise not_csv
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in r)]
    except csv.Error:  # a lone carriage return, a cell of more than 128 KB
        raise not_csv from None
    if len(rows) < 2:
        raise StatementError(_("The file needs a header row and at least one line."), field="file")
    if len(rows[0]) < 2:
        raise StatementError(
            _("The file needs at least two columns: the date and the amount."), field="file"
        )
    return StatementFile(headers=[h.strip() for h in rows[0]], rows=rows[1:])


def _number_text(text: str) -> tuple[str, str]:
    """The sign ("" or "-") and the digits and separators of an amount cell."""
    cleaned = re.sub(r"[£€$'\s\u00a0\u202f]", "", text)
    sign = ""
    if cleaned.endswith("-"):  # some banks print 12.00-
        sign, cleaned = "-", cleaned[:-1]
    elif cleaned.startswith(("-", "+")):
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    return sign, cleaned


def _separator_shown(text: str) -> str | None:
    """The decimal separator one cell shows ("." or ","), "?" if it could be either, or None."""
    _sign, digits = _number_text(text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        return "." if digits.rfind(".") > digits.rfind(",") else ","
    if not dots and not commas:
        return None
    mark = "." if dots else ","
    if dots + commas > 1:
        return "," if mark == "." else "."  # 1.234.567: the mark groups thousands
    whole, fraction = digits.split(mark)
    if len(fraction) != 3 or whole in ("", "0") or len(whole) > 3:
        return mark
    return "?"


def decimal_separator_of(cells: list[str], choice: str) -> str:
    """The column's decimal separator: the one chosen, or the one every cell agrees on."""
    if choice in (".", ","):
        return choice
    shown = {mark for mark in map(_separator_shown, cells) if mark is not None}
    decided = shown - {"?"}
    if len(decided) == 1:
        return decided.pop()
    if not shown:
        return "."  # whole numbers only: either reads them the same
    examples = [cell for cell in cells if _separator_shown(cell) is not None][:2]
    raise StatementError(
        _(
            "The amounts (such as “%(example)s”) can be read two ways: choose whether a comma "
            "or a point separates the pence."
        )
        % {"example": "”, “".join(example[:20] for example in examples)},
        field="decimal_separator",
    )


def _amount(text: str, line: int, separator: str = ".") -> Decimal:
    """The cell's amount; a bad one names the mapping's `amount` column (or the file) at fault."""
    sign, digits = _number_text(text)
    thousands = "," if separator == "." else "."
    d, t = re.escape(separator), re.escape(thousands)
    exact = False
    if re.fullmatch(rf"(\d{{1,3}}({t}\d{{3}})+|\d+)?({d}\d+)?", digits) and re.search(
        r"\d", digits
    ):
        try:
            amount = Decimal(sign + digits.replace(thousands, "").replace(separator, "."))
            exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
        except InvalidOperation:  # too many digits to round
            exact = False
    if not exact or abs(amount) > MAX_AMOUNT:
        raise StatementError(
            _("Line %(line)s: “%(text)s” is not an amount (at most %(max)s).")
            % {"line": line, "text": text[:40], "max": f"{MAX_AMOUNT:,}"},
            field="amount",
        )
    return amount.quantize(Decimal("0.01"))


def _date(text: str, date_format: str, line: int) -> date:
    try:
        return datetime.strptime(text.strip(), date_format).date()  # noqa: DTZ007 (a date)
    except ValueError:
        example = DATE_FORMATS.get(date_format, date_format)
        raise StatementError(
            _("Line %(line)s: “%(text)s” is not a date like %(example)s.")
            % {"line": line, "text": text[:40], "example": example},
            field="date",
        ) from None


def fingerprint(
    *, when: date, amount: Decimal, reference: str, counterparty: str, occurrence: int, bank_id: str
) -> str:
    """The line's identity: the bank's id, or its key and which of the equal lines it is."""
    basis = (
        f"id|{bank_id}" if bank_id else f"{when}|{amount}|{reference}|{counterparty}|#{occurrence}"
    )
    return hashlib.sha256(basis.encode()).hexdigest()


LineKey = tuple[date, Decimal, str, str]


def _imported_before(group: BuyingGroup, dates: set[date]) -> Counter[LineKey]:
    """How many lines the group already holds for each (date, amount, reference, counterparty)."""
    counts: Counter[LineKey] = Counter()
    rows = (
        StatementLine.objects.filter(group=group, date__in=dates)
        .values("date", "amount", "reference", "counterparty")
        .annotate(lines=Count("pk"))
    )
    for row in rows:
        key = (row["date"], row["amount"], row["reference"], row["counterparty"])
        counts[key] += row["lines"]
    return counts


def _match(group: BuyingGroup, reference: str, counterparty: str) -> Membership | None:
    for text in (reference, counterparty):
        for found in REFERENCE.finditer(text):
            membership = (
                Membership.objects.filter(group=group, pk=int(found.group(2)))
                .select_related("group", "user")
                .first()
            )
            if membership and payment_reference_for(membership) == found.group(0).upper():
                return membership
    return None


@transaction.atomic
def statement_import(
    *,
    group: BuyingGroup,
    actor: User,
    filename: str,
    content: bytes,
    mapping: dict[str, int | None],
    date_format: str,
    decimal_separator: str = "auto",
) -> StatementImport:
    """Store the statement's new lines, matched where a payment reference says whose they are.

    `mapping` gives the column index of date, amount, reference, counterparty and (optionally)
    bank_id; `decimal_separator` is ".", "," or "auto" (decided from the amounts, or refused
    naming the field when they could be read both ways). Any bad line refuses the whole file:
    nothing is stored.
    """
    require_money_role(group=group, user=actor)
    if date_format not in DATE_FORMATS:
        raise StatementError(_("Choose a date format."), field="date_format")
    if decimal_separator not in DECIMAL_SEPARATORS:
        raise StatementError(
            _("Choose a comma or a point as the decimal separator."), field="decimal_separator"
        )
    for needed in ("date", "amount"):
        if mapping.get(needed) is None:
            raise StatementError(_("Choose the column for each required field."), field=needed)
    parsed = statement_read(content)
    for name, index in mapping.items():
        if index is not None and not 0 <= index < len(parsed.headers):
            raise StatementError(
                _("The file has no column %(index)s; its columns are 0 to %(last)s.")
                % {"index": index, "last": len(parsed.headers) - 1},
                field=name,
            )

    def cell(row: list[str], name: str) -> str:
        index = mapping.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    separator = decimal_separator_of(
        [cell(row, "amount") for row in parsed.rows], decimal_separator
    )
    read: list[tuple[int, date, Decimal, str, str, str]] = []
    for number, row in enumerate(parsed.rows, start=1):
        when = _date(cell(row, "date"), date_format, number)
        amount = _amount(cell(row, "amount"), number, separator)
        reference, counterparty = cell(row, "reference")[:300], cell(row, "counterparty")[:200]
        read.append((number, when, amount, reference, counterparty, cell(row, "bank_id")))
    record = StatementImport.objects.create(
        group=group, filename=filename[:200], mapping=mapping, created_by=actor
    )
    known = set(StatementLine.objects.filter(group=group).values_list("fingerprint", flat=True))
    before = _imported_before(group, {when for _n, when, *_rest in read})
    seen: Counter[LineKey] = Counter()
    lines: list[StatementLine] = []
    for number, when, amount, reference, counterparty, bank_id in read:
        key = (when, amount, reference, counterparty)
        seen[key] += 1
        print_ = fingerprint(
            when=when, amount=amount, reference=reference, counterparty=counterparty,
            occurrence=seen[key], bank_id=bank_id,
        )  # fmt: skip
        if print_ in known or (not bank_id and seen[key] <= before[key]):
            record.duplicate_count += 1
            continue
        known.add(print_)
        membership = _match(group, reference, counterparty) if amount > 0 else None
        lines.append(
            StatementLine(
                group=group,
                statement=record,
                line_number=number,
                date=when,
                amount=amount,
                reference=reference,
                counterparty=counterparty,
                fingerprint=print_,
                status=Status.MATCHED if membership else Status.UNMATCHED,
                account=member_account(membership) if membership else None,
            )
        )
    StatementLine.objects.bulk_create(lines)
    record.line_count = len(lines)
    record.save(update_fields=["line_count", "duplicate_count"])
    audit_record(
        action="ledger.statement_imported",
        summary=_("%(actor)s imported %(file)s: %(new)s new lines, %(dup)s seen before")
        % {"actor": actor.name, "file": filename, "new": len(lines), "dup": record.duplicate_count},
        actor=actor,
        group=group,
        data={"statement": record.pk},
    )
    return record


def _booking_key(line: StatementLine) -> str:
    """The line's n-th booking key: "sys:statement-line-<id>-<n>" (n-1 bookings were reversed)."""
    bookings = Transaction.objects.filter(
        group_id=line.group_id, source_kind=SourceKind.STATEMENT_LINE, source_id=line.pk
    ).exclude(kind=Transaction.Kind.REVERSAL)
    return system_key(f"statement-line-{line.pk}-{bookings.count() + 1}")


@transaction.atomic
def statement_line_book(
    *, line: StatementLine, actor: User, membership: Membership | None = None
) -> Transaction:
    """Book a waiting line as a top-up: to its matched member, or to `membership` chosen by hand."""
    group = line.group
    require_money_role(group=group, user=actor)
    line = StatementLine.objects.select_for_update(no_key=True).get(pk=line.pk)
    if line.status == Status.BOOKED and line.transaction is not None:
        return line.transaction
    if line.status not in (Status.MATCHED, Status.UNMATCHED):
        raise StatementError(_("This line was ignored; it cannot be booked."))
    if line.amount <= 0:
        raise StatementError(_("Only money coming in can be booked as a top-up."))
    if membership is not None:
        if membership.group_id != group.pk:
            raise AccessDenied(_("This belongs to another group."))
        account = member_account(membership)
    elif line.account is not None and line.account.membership_id is not None:
        account = line.account
        membership = Membership.objects.select_related("group", "user").get(
            pk=line.account.membership_id
        )
    else:
        raise StatementError(_("Choose the member this money came from."), field="membership")
    posted = ledger_top_up(
        membership=membership,
        amount=line.amount,
        method="bank",
        actor=actor,
        idempotency_key=_booking_key(line),
        source=Source(SourceKind.STATEMENT_LINE, line.pk),
        reference=line.reference,
        booked_on=line.date,
    )
    line.status, line.account, line.transaction = Status.BOOKED, account, posted
    line.save(update_fields=["status", "account", "transaction"])
    return posted


@transaction.atomic
def statement_confirm_matched(*, group: BuyingGroup, actor: User) -> int:
    """Book every matched line of the group; how many were booked."""
    require_money_role(group=group, user=actor)
    matched = list(StatementLine.objects.filter(group=group, status=Status.MATCHED).order_by("pk"))
    for line in matched:
        statement_line_book(line=line, actor=actor)
    return len(matched)


@transaction.atomic
def statement_line_ignore(*, line: StatementLine, actor: User) -> StatementLine:
    """Set a line aside (a bank fee, a supplier refund booked elsewhere)."""
    require_money_role(group=line.group, user=actor)
    updated = StatementLine.objects.filter(
        pk=line.pk, status__in=[Status.MATCHED, Status.UNMATCHED]
    ).update(status=Status.IGNORED)
    if not updated:
        raise StatementError(_("This line was already booked or ignored."))
    audit_record(
        action="ledger.statement_line_ignored",
        summary=_("%(actor)s set aside a bank line of %(amount)s")
        % {"actor": actor.name, "amount": line.amount},
        actor=actor,
        group=line.group,
        data={"line": line.pk},
    )
    line.refresh_from_db()
    return line
