"""The bank statement import of the API (treasurers): upload with a column mapping, review, book.

The web keeps an uploaded file in the session between "upload" and "choose columns"; the API has
no session, so a client sends the file to `…/bank-statements/columns` (which stores nothing) to see
its columns, then sends it again with the mapping to `…/bank-statements`. Lines are then booked,
ignored or confirmed through `coopbuy.ledger.statements`, as the web's review page does.
"""

from datetime import date
from typing import Annotated, Literal, get_args

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import WithJsonSchema

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Money, Page, Paging
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger import statements
from coopbuy.ledger.forms import StatementMappingForm
from coopbuy.ledger.models import StatementImport, StatementLine
from coopbuy.ledger.permissions import group_for_treasurer, membership_in_group

router = Router(tags=["bank statements"])
Id = Annotated[int, Path(ge=1, le=2**62)]
BASE = "/{slug:slug}/bank-statements"
LINE = BASE + "/lines/{int:line_id}"
LineStatus = Literal["matched", "unmatched", "booked", "ignored"]
DateFormat = Literal["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y"]
assert set(get_args(DateFormat)) == set(statements.DATE_FORMATS)  # one list of formats

StatementFile = Annotated[
    UploadedFile,
    WithJsonSchema({"type": "string", "format": "binary", "minLength": 1}),
    File(description="The statement as a CSV file (at most 2 MB)."),
]


class ColumnOut(Schema):
    index: int = Field(description="What the mapping fields take.")
    name: str = Field(description="The header, or #n for a column without one.")


class MappingOut(Schema):
    date: int | None
    amount: int | None
    reference: int | None
    counterparty: int | None
    bank_id: int | None


class DateFormatOut(Schema):
    date_format: str
    example: str


class ColumnsOut(Schema):
    columns: list[ColumnOut]
    sample: list[list[str]] = Field(description="The first five lines, cell by cell.")
    guessed: MappingOut = Field(
        description="The columns the header names suggest (null: no guess), as the web preselects."
    )
    date_formats: list[DateFormatOut] = Field(description="The date formats coopbuy reads.")


# In a form, a column that is not there is left out: the schema has no null for it.
OptionalColumn = Annotated[
    int | None, WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 9999})
]


class MappingIn(Input):
    """Which column (its `index`) holds what; date and amount are needed, the rest optional."""

    date: int = Field(ge=0, le=9999, description="The column with the date of each line.")
    amount: int = Field(ge=0, le=9999, description="The column with the amount (money in > 0).")
    reference: OptionalColumn = Field(None, ge=0, le=9999, description="The payment reference.")
    counterparty: OptionalColumn = Field(None, ge=0, le=9999, description="Who paid.")
    bank_id: OptionalColumn = Field(
        None, ge=0, le=9999, description="The bank's own id of each line, if the file has one."
    )
    date_format: DateFormat = Field(description="How the dates are written, e.g. %d/%m/%Y.")
    decimal_separator: Literal["auto", ".", ","] = Field(
        "auto",
        description=(
            "What separates the pence in the amounts: '.' (1,234.56), ',' (1.234,56), or 'auto' "
            "to work it out from the column; 'auto' is refused (field decimal_separator) when an "
            "amount such as 1,500 could be read both ways."
        ),
    )

    def mapping(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in statements.FIELDS}


class ImportOut(Schema):
    id: int
    filename: str
    lines_new: int = Field(description="Lines stored now.")
    duplicates_skipped: int = Field(description="Lines imported before, left out.")
    matched: int = Field(description="New lines matched to a member by payment reference.")
    unmatched: int = Field(
        description="New lines waiting for a member to be chosen (or set aside)."
    )

    @classmethod
    def of(cls, record: StatementImport) -> "ImportOut":
        matched = record.items.filter(status=StatementLine.Status.MATCHED).count()
        return cls(
            id=record.pk,
            filename=record.filename,
            lines_new=record.line_count,
            duplicates_skipped=record.duplicate_count,
            matched=matched,
            unmatched=record.line_count - matched,
        )


class LineMemberOut(Schema):
    membership_id: int
    name: str


class LineOut(Schema):
    id: int
    statement_id: int = Field(description="The import the line came with.")
    line_number: int = Field(description="Its line in that file (1: the first after the header).")
    date: date
    amount: Money = Field(description="Money in is positive, money out negative.")
    reference: str
    counterparty: str
    status: LineStatus
    member: LineMemberOut | None = Field(
        description="Whose money it is: the matched member, or the member it was booked to."
    )
    transaction_id: int | None = Field(description="The top-up it was booked as.")

    @classmethod
    def of(cls, line: StatementLine) -> "LineOut":
        account = line.account
        member = None
        if account is not None and account.membership_id is not None:
            member = LineMemberOut(membership_id=account.membership_id, name=account.name)
        return cls(
            id=line.pk,
            statement_id=line.statement_id,
            line_number=line.line_number,
            date=line.date,
            amount=line.amount,
            reference=line.reference,
            counterparty=line.counterparty,
            status=line.status,  # type: ignore[arg-type]
            member=member,
            transaction_id=line.transaction_id,
        )


class LineSearch(Schema):
    status: LineStatus | None = Field(None, description="Only lines in this state; all if empty.")


class BookIn(Input):
    membership_id: int = Field(ge=1, le=2**62, description="Whose money it is (a member's id).")


class ConfirmedOut(Schema):
    booked: int = Field(description="How many matched lines were booked as top-ups.")


def _content(file: UploadedFile) -> bytes:
    """At most one byte more than a statement may have: enough to say it is too large."""
    content: bytes = file.read(statements.MAX_BYTES + 1)
    return content


def _line(group: BuyingGroup, line_id: int) -> StatementLine:
    return get_object_or_404(StatementLine.objects.select_related("group"), pk=line_id, group=group)


@router.post(f"{BASE}/columns", response={200: ColumnsOut, **problem_responses()})
@idempotent
def statement_columns(request: HttpRequest, slug: str, file: StatementFile) -> ColumnsOut:
    """The columns of a statement (CSV) and its first lines, to choose the mapping; stores
    nothing (treasurers and coordinators)."""
    group_for_treasurer(slug=slug, user=caller(request))
    parsed = statements.statement_read(_content(file))
    guessed = StatementMappingForm(headers=parsed.headers).initial
    return ColumnsOut(
        columns=[ColumnOut(index=i, name=h or f"#{i + 1}") for i, h in enumerate(parsed.headers)],
        sample=parsed.rows[:5],
        guessed=MappingOut(
            **{name: int(guessed[name]) if guessed[name] else None for name in statements.FIELDS}
        ),
        date_formats=[
            DateFormatOut(date_format=f, example=e) for f, e in statements.DATE_FORMATS.items()
        ],
    )


@router.post(BASE, response={201: ImportOut, **problem_responses()})
@idempotent
def statement_import(
    request: HttpRequest, slug: str, file: StatementFile, mapping: Form[MappingIn]
) -> Status[ImportOut]:
    """Import a statement (CSV) with the columns chosen: its new lines wait for review, matched to
    members by payment reference; lines imported before are skipped (treasurers and
    coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    record = statements.statement_import(
        group=group,
        actor=caller(request),
        filename=file.name or "statement.csv",
        content=_content(file),
        mapping=mapping.mapping(),
        date_format=mapping.date_format,
        decimal_separator=mapping.decimal_separator,
    )
    return Status(201, ImportOut.of(record))


@router.get(f"{BASE}/lines", response={200: Page[LineOut], **problem_responses()})
def statement_lines(
    request: HttpRequest, slug: str, search: Query[LineSearch], paging: Query[Paging]
) -> Page[LineOut]:
    """The group's bank lines, oldest first, each with its state and member (treasurers and
    coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    rows = StatementLine.objects.filter(group=group).select_related("account")
    if search.status is not None:
        rows = rows.filter(status=search.status)
    return paginate(request, rows.order_by("date", "pk"), paging, LineOut.of)


@router.post(f"{LINE}/book", response={200: LineOut, **problem_responses()})
@idempotent
def statement_line_book(request: HttpRequest, slug: str, line_id: Id, payload: BookIn) -> LineOut:
    """Book a line as a top-up for the member chosen; a booked line stays as it is (treasurers
    and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    line = _line(group, line_id)
    member = membership_in_group(group=group, membership_id=payload.membership_id)
    statements.statement_line_book(line=line, actor=caller(request), membership=member)
    return LineOut.of(_line(group, line_id))


@router.post(f"{LINE}/ignore", response={200: LineOut, **problem_responses()})
@idempotent
def statement_line_ignore(request: HttpRequest, slug: str, line_id: Id) -> LineOut:
    """Set a waiting line aside, e.g. a bank fee (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    line = statements.statement_line_ignore(line=_line(group, line_id), actor=caller(request))
    return LineOut.of(line)


@router.post(f"{BASE}/confirm-matched", response={200: ConfirmedOut, **problem_responses()})
@idempotent
def statement_confirm_matched(request: HttpRequest, slug: str) -> ConfirmedOut:
    """Book every matched line as a top-up for its member (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    booked = statements.statement_confirm_matched(group=group, actor=caller(request))
    return ConfirmedOut(booked=booked)
