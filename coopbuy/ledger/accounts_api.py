"""Accounts, statements and invoices through the API, with the web's permissions.

Mirrors `coopbuy.ledger.views` and the treasury overview: a member reaches only their own account,
statements and invoices (another member's are not found, as on the web); treasurers and
coordinators reach every account of their group. Ids of another group are not found.
"""

from collections.abc import Sequence
from typing import overload

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query

from coopbuy.api.auth import caller
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import group_for_member
from coopbuy.ledger import selectors
from coopbuy.ledger.api_document_schemas import (
    AccountDetailOut,
    InvoiceLineOut,
    InvoiceOut,
    InvoiceSummaryOut,
    Month,
    MonthOut,
    StatementOut,
    VatRowOut,
    Year,
    file_response,
)
from coopbuy.ledger.api_router import router
from coopbuy.ledger.api_schemas import AccountRowOut, EntryOut, Id, TreasuryOut, shown_balance
from coopbuy.ledger.documents import invoice_pdf, statement_pdf
from coopbuy.ledger.invoices import vat_breakdown
from coopbuy.ledger.models import Account, Invoice
from coopbuy.ledger.permissions import account_for_viewer, group_for_treasurer

ACCOUNT = "/{slug:slug}/accounts/{int:account_id}"
STATEMENT = f"{ACCOUNT}/statements/{{int:year}}/{{int:month}}"
INVOICE = "/{slug:slug}/invoices/{int:invoice_id}"


class _MembersThenAccounts(Sequence[Membership | Account]):
    """The treasury overview as one list: members by name, then the group's own accounts."""

    def __init__(self, members: QuerySet[Membership], accounts: QuerySet[Account]) -> None:
        self.members, self.accounts = members, accounts
        self.member_count = members.count()
        self.total = self.member_count + accounts.count()

    def __len__(self) -> int:
        return self.total

    @overload
    def __getitem__(self, index: int) -> Membership | Account: ...
    @overload
    def __getitem__(self, index: slice) -> list[Membership | Account]: ...
    def __getitem__(self, index: int | slice) -> Membership | Account | list[Membership | Account]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        split = self.member_count
        rows: list[Membership | Account] = list(self.members[min(start, split) : min(stop, split)])
        rows += list(self.accounts[max(start - split, 0) : max(stop - split, 0)])
        return rows


def _row(row: Membership | Account) -> AccountRowOut:
    if isinstance(row, Membership):
        return AccountRowOut.of_member(row)
    return AccountRowOut.of_account(row)


@router.get("/{slug:slug}/accounts", response={200: Page[AccountRowOut], **problem_responses()})
def list_accounts(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[AccountRowOut]:
    """Every account with its balance: members by name (a member without an account yet shows
    0.00 and a null `account_id`), then the group's bank, cash, supplier payables, costs and
    income, and the accounts of people who have left (their ended membership's id, or null for
    accounts older than ended memberships) (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    without_member = Account.objects.filter(group=group).filter(
        Q(membership__isnull=True) | Q(membership__ended_at__isnull=False)
    )
    rows = _MembersThenAccounts(
        selectors.members_with_balances(group=group),
        without_member.order_by("kind", "name", "pk"),
    )
    return paginate(request, rows, paging, _row)


@router.get("/{slug:slug}/treasury", response={200: TreasuryOut, **problem_responses()})
def treasury(request: HttpRequest, slug: str) -> TreasuryOut:
    """The treasury overview: the money rules, bank lines to review and the group's own accounts
    with what they hold (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    settings = selectors.ledger_settings_of(group=group)
    return TreasuryOut(
        currency=group.currency,
        prepayment_required=settings.prepayment_required,
        credit_limit=settings.credit_limit,
        lines_to_review=selectors.lines_to_review(group=group).count(),
        accounts=[AccountRowOut.of_account(a) for a in selectors.accounts_of_group(group=group)],
    )


def _visible_account(
    request: HttpRequest, slug: str, account_id: int
) -> tuple[BuyingGroup, Account]:
    group, membership = group_for_member(slug=slug, user=caller(request))
    return group, account_for_viewer(group=group, viewer=membership, account_id=account_id)


@router.get(ACCOUNT, response={200: AccountDetailOut, **problem_responses()})
def get_account(request: HttpRequest, slug: str, account_id: Id) -> AccountDetailOut:
    """One account: its balance, statement months and latest invoices (a member their own;
    treasurers and coordinators any of the group's)."""
    _group, account = _visible_account(request, slug, account_id)
    months = selectors.statement_months(account=account)
    return AccountDetailOut(
        id=account.pk,
        kind=account.kind,  # type: ignore[arg-type]
        name=account.name,
        balance=shown_balance(account),
        membership_id=account.membership_id,
        supplier_id=account.supplier_id,
        payment_reference=account.payment_reference,
        statement_months=[MonthOut(year=m.year, month=m.month) for m in months],
        invoices=[
            InvoiceSummaryOut.of(i) for i in selectors.invoices_of_account(account=account)[:24]
        ],
    )


@router.get(f"{ACCOUNT}/transactions", response={200: Page[EntryOut], **problem_responses()})
def account_transactions(
    request: HttpRequest, slug: str, account_id: Id, paging: Query[Paging]
) -> Page[EntryOut]:
    """What went into and out of an account, newest first (as for the account itself)."""
    _group, account = _visible_account(request, slug, account_id)
    return paginate(request, selectors.entries_of_account(account=account), paging, EntryOut.of)


def _statement(
    request: HttpRequest, slug: str, account_id: int, year: int, month: int
) -> tuple[BuyingGroup, Account, selectors.MonthlyStatement]:
    group, account = _visible_account(request, slug, account_id)
    if year > timezone.localdate().year + 1:
        raise UserFacingError(_("There are no statements for years to come."), field="year")
    return group, account, selectors.monthly_statement(account=account, year=year, month=month)


@router.get(STATEMENT, response={200: StatementOut, **problem_responses()})
def get_statement(
    request: HttpRequest, slug: str, account_id: Id, year: Year, month: Month
) -> StatementOut:
    """An account's monthly statement: opening balance, the month's entries with the balance
    after each, closing balance (a member their own; treasurers and coordinators any)."""
    group, _account, statement = _statement(request, slug, account_id, year, month)
    return StatementOut.of(statement, group.currency)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@router.get(
    f"{STATEMENT}/pdf",
    response=problem_responses(),
    openapi_extra=file_response("application/pdf", "The monthly statement as a PDF."),
)
def get_statement_pdf(
    request: HttpRequest, slug: str, account_id: Id, year: Year, month: Month
) -> HttpResponse:
    """The monthly statement as a PDF (as the statement)."""
    group, account, statement = _statement(request, slug, account_id, year, month)
    return _pdf(statement_pdf(statement, group), f"statement-{account.pk}-{year}-{month:02d}.pdf")


def _visible_invoice(
    request: HttpRequest, slug: str, invoice_id: int
) -> tuple[BuyingGroup, Invoice]:
    group, membership = group_for_member(slug=slug, user=caller(request))
    invoice = get_object_or_404(Invoice, pk=invoice_id, group=group)
    account_for_viewer(group=group, viewer=membership, account_id=invoice.account_id)
    return group, invoice


@router.get(INVOICE, response={200: InvoiceOut, **problem_responses()})
def get_invoice(request: HttpRequest, slug: str, invoice_id: Id) -> InvoiceOut:
    """A member's invoice: lines, VAT per rate and total (the member it is for; treasurers and
    coordinators)."""
    group, invoice = _visible_invoice(request, slug, invoice_id)
    items = list(invoice.items.all())
    return InvoiceOut(
        **InvoiceSummaryOut.of(invoice).model_dump(),
        account_id=invoice.account_id,
        currency=group.currency,
        lines=[InvoiceLineOut.of(item) for item in items],
        vat=[VatRowOut.of(row) for row in vat_breakdown(items)],
    )


@router.get(
    f"{INVOICE}/pdf",
    response=problem_responses(),
    openapi_extra=file_response("application/pdf", "The invoice as a PDF."),
)
def get_invoice_pdf(request: HttpRequest, slug: str, invoice_id: Id) -> HttpResponse:
    """The invoice as a PDF (as the invoice)."""
    _group, invoice = _visible_invoice(request, slug, invoice_id)
    return _pdf(invoice_pdf(invoice), f"{invoice.number}.pdf")
