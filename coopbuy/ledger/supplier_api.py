"""Supplier money through the API: what each supplier is owed, their invoices, payments to them.

Mirrors `treasurer_views.suppliers` (treasurers and coordinators): an invoice is recorded against
the supplier's payable with `suppliers.supplier_invoice_record` (the difference from what the
round charged is booked and shown), a payment with `suppliers.supplier_payment_record`.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger import selectors
from coopbuy.ledger import suppliers as supplier_money
from coopbuy.ledger.api_document_schemas import (
    SupplierAccountOut,
    SupplierInvoiceIn,
    SupplierInvoiceOut,
    SupplierPaymentIn,
)
from coopbuy.ledger.api_router import ledger_key, router
from coopbuy.ledger.api_schemas import TransactionDetailOut
from coopbuy.ledger.models import Account
from coopbuy.ledger.permissions import group_for_treasurer


def _supplier(group: BuyingGroup, supplier_id: int) -> Supplier:
    return get_object_or_404(Supplier, pk=supplier_id, group=group)


@router.get(
    "/{slug:slug}/supplier-accounts",
    response={200: Page[SupplierAccountOut], **problem_responses()},
)
def list_supplier_accounts(
    request: HttpRequest, slug: str, paging: Query[Paging]
) -> Page[SupplierAccountOut]:
    """What the group owes each supplier it has bought from (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    payables = Account.objects.filter(group=group, kind=Account.Kind.SUPPLIER).order_by(
        "name", "pk"
    )
    return paginate(request, payables, paging, SupplierAccountOut.of)


@router.get(
    "/{slug:slug}/supplier-invoices",
    response={200: Page[SupplierInvoiceOut], **problem_responses()},
)
def list_supplier_invoices(
    request: HttpRequest, slug: str, paging: Query[Paging]
) -> Page[SupplierInvoiceOut]:
    """The suppliers' invoices recorded, latest first, each with the difference from what the
    round charged (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    rows = selectors.supplier_invoices_of_group(group=group)
    return paginate(request, rows, paging, SupplierInvoiceOut.of)


@router.post(
    "/{slug:slug}/supplier-invoices", response={201: SupplierInvoiceOut, **problem_responses()}
)
@idempotent
def record_supplier_invoice(
    request: HttpRequest, slug: str, payload: SupplierInvoiceIn
) -> Status[SupplierInvoiceOut]:
    """Record a supplier's invoice against what the group owes it (treasurers and coordinators).

    What the round's postings owe the supplier is compared with the invoice, and the difference
    is booked to the adjustments account. An invoice number already recorded for the supplier
    returns the invoice recorded then.
    """
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    supplier = _supplier(group, payload.supplier_id)
    invoice = supplier_money.supplier_invoice_record(
        group=group,
        supplier=supplier,
        number=payload.number,
        amount=payload.amount,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        round_reference=payload.round_reference,
    )
    return Status(201, SupplierInvoiceOut.of(invoice))


@router.post(
    "/{slug:slug}/supplier-payments", response={201: TransactionDetailOut, **problem_responses()}
)
@idempotent
def record_supplier_payment(
    request: HttpRequest, slug: str, payload: SupplierPaymentIn
) -> Status[TransactionDetailOut]:
    """Record a payment to a supplier from the bank or the cash box: what the group owes it goes
    down (treasurers and coordinators)."""
    group, _membership = group_for_treasurer(slug=slug, user=caller(request))
    posted = supplier_money.supplier_payment_record(
        group=group,
        supplier=_supplier(group, payload.supplier_id),
        amount=payload.amount,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        method=payload.method,
        reference=payload.reference,
    )
    return Status(201, TransactionDetailOut.of(posted))
