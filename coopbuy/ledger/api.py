"""The ledger area of the API: my account, my transactions and invoices, and the treasury.

A member sees only their own account (as on the web). The treasurer's work lives beside this
module and attaches to the same router (`api_router.router`), imported here: bookings,
transactions, settings and the CSV in `treasury_api`; accounts, statements and invoices in
`accounts_api`; supplier money in `supplier_api`. (The bank statement import has its own router,
`statement_api`.)
"""

from django.http import HttpRequest
from ninja import Query

import coopbuy.ledger.accounts_api  # attaches its operations to `router`, as do the next two
import coopbuy.ledger.supplier_api
import coopbuy.ledger.treasury_api
import coopbuy.ledger.write_off_api  # noqa: F401
from coopbuy.api.auth import caller
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.groups.permissions import group_for_member
from coopbuy.ledger import selectors, services
from coopbuy.ledger.api_document_schemas import InvoiceSummaryOut
from coopbuy.ledger.api_router import router
from coopbuy.ledger.api_schemas import AccountOut, EntryOut
from coopbuy.ledger.models import Entry, Invoice

__all__ = ["router"]  # mounted by coopbuy.config.api


@router.get("/{slug:slug}/account", response={200: AccountOut, **problem_responses()})
def my_account(request: HttpRequest, slug: str) -> AccountOut:
    """My balance in the group, my payment reference, and what I may still order (members)."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    account = selectors.account_of(membership=membership)
    return AccountOut(
        account_id=account.pk if account else None,
        currency=group.currency,
        balance=selectors.balance_of(membership=membership),
        payment_reference=services.payment_reference_for(membership),
        available_to_spend=selectors.available_to_spend(membership=membership),
        explanation=selectors.spending_explanation(membership=membership),
    )


@router.get(
    "/{slug:slug}/account/transactions", response={200: Page[EntryOut], **problem_responses()}
)
def my_transactions(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[EntryOut]:
    """What went into and out of my account, newest first (members)."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    account = selectors.account_of(membership=membership)
    rows = selectors.entries_of_account(account=account) if account else Entry.objects.none()
    return paginate(request, rows, paging, EntryOut.of)


@router.get(
    "/{slug:slug}/account/invoices",
    response={200: Page[InvoiceSummaryOut], **problem_responses()},
)
def my_invoices(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[InvoiceSummaryOut]:
    """My invoices, one per round I was charged for, latest first (members)."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    account = selectors.account_of(membership=membership)
    rows = selectors.invoices_of_account(account=account) if account else Invoice.objects.none()
    return paginate(request, rows, paging, InvoiceSummaryOut.of)
