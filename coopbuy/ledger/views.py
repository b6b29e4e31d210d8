"""Member-facing money pages: my account, statements, invoices. Thin: check access, read, render.

Every page gets its group through `coopbuy.groups.permissions` and its rows through
`coopbuy.ledger.permissions`, so another group's ids are *not found* here and a member sees only
their own account.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import group_for_member
from coopbuy.ledger import selectors
from coopbuy.ledger.documents import invoice_pdf, statement_pdf
from coopbuy.ledger.models import Account, Entry, Invoice
from coopbuy.ledger.permissions import account_for_viewer, can_run_money
from coopbuy.ledger.services import payment_reference_for

PAGE_SIZE = 25


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def account(request: HttpRequest, slug: str) -> HttpResponse:
    """The member's own account: balance, what they may still order, how to pay, history."""
    group, membership = group_for_member(slug=slug, user=request.user)
    own = selectors.account_of(membership=membership)
    entries = selectors.entries_of_account(account=own) if own else Entry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "group": group,
        "membership": membership,
        "account": own,
        "balance": own.balance if own else selectors.ZERO,
        "payment_reference": payment_reference_for(membership),
        "explanation": selectors.spending_explanation(membership=membership),
        "page": page,
        "invoices": selectors.invoices_of_account(account=own)[:24] if own else [],
        "months": selectors.statement_months(account=own) if own else [],
        "can_run_money": can_run_money(membership),
        "settings": selectors.ledger_settings_of(group=group),
    }
    return render(request, "ledger/account.html", context)


@login_required
def account_detail(request: HttpRequest, slug: str, account_id: int) -> HttpResponse:
    """Any account of the group for its treasurers; a member reaches only their own."""
    group, membership = group_for_member(slug=slug, user=request.user)
    shown = account_for_viewer(group=group, viewer=membership, account_id=account_id)
    page = Paginator(selectors.entries_of_account(account=shown), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "group": group,
        "membership": membership,
        "account": shown,
        "page": page,
        "months": selectors.statement_months(account=shown),
        "invoices": selectors.invoices_of_account(account=shown)[:24],
        "can_run_money": can_run_money(membership),
    }
    return render(request, "ledger/account_detail.html", context)


def _statement(
    request: HttpRequest, slug: str, account_id: int, year: int, month: int
) -> tuple[BuyingGroup, Membership, Account, selectors.MonthlyStatement]:
    group, membership = group_for_member(slug=slug, user=request.user)
    shown = account_for_viewer(group=group, viewer=membership, account_id=account_id)
    if not (1 <= month <= 12 and 2000 <= year <= timezone.localdate().year + 1):
        raise Http404
    statement = selectors.monthly_statement(account=shown, year=year, month=month)
    return group, membership, shown, statement


@login_required
def statement(
    request: HttpRequest, slug: str, account_id: int, year: int, month: int
) -> HttpResponse:
    group, membership, shown, monthly = _statement(request, slug, account_id, year, month)
    return render(
        request,
        "ledger/statement.html",
        {"group": group, "membership": membership, "account": shown, "statement": monthly},
    )


@login_required
def statement_pdf_view(
    request: HttpRequest, slug: str, account_id: int, year: int, month: int
) -> HttpResponse:
    group, _membership, shown, monthly = _statement(request, slug, account_id, year, month)
    content = statement_pdf(monthly, group)
    return _pdf_response(content, f"statement-{shown.pk}-{year}-{month:02d}.pdf")


@login_required
def invoice_pdf_view(request: HttpRequest, slug: str, invoice_id: int) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    invoice = get_object_or_404(Invoice, pk=invoice_id, group=group)
    account_for_viewer(group=group, viewer=membership, account_id=invoice.account_id)
    return _pdf_response(invoice_pdf(invoice), f"{invoice.number}.pdf")
