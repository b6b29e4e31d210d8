"""The treasurer's pages: top-ups, refunds, adjustments, reversals, suppliers, settings, export.

Only the group's treasurers and coordinators get here (`group_for_treasurer`); every id in a URL is
looked up inside the group, so another group's account or transaction is *not found*. Each money
form carries a token the server issued for it (`form_tokens`): a retried POST gets the first result
and the same message; a forged, foreign or reused-with-other-data token is refused.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger import selectors, services, treasury
from coopbuy.ledger import suppliers as supplier_money
from coopbuy.ledger.bank_details import BankDetails, ledger_bank_details_update
from coopbuy.ledger.documents import transactions_csv
from coopbuy.ledger.forms import (
    AdjustmentForm,
    BankDetailsForm,
    RefundForm,
    ReverseForm,
    SettingsForm,
    SupplierInvoiceForm,
    SupplierPaymentForm,
    TopUpForm,
)
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.permissions import group_for_treasurer, transaction_in_group

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def form_error(form: forms.Form, error: UserFacingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _context(group: BuyingGroup, membership: Membership, **extra: Any) -> dict[str, Any]:
    return {"group": group, "membership": membership, **extra}


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    page = Paginator(selectors.members_with_balances(group=group), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = _context(
        group,
        membership,
        page=page,
        accounts=selectors.accounts_of_group(group=group),
        to_review=selectors.lines_to_review(group=group).count(),
        settings=selectors.ledger_settings_of(group=group),
    )
    return render(request, "ledger/overview.html", context)


def _member_operation(
    request: HttpRequest,
    slug: str,
    form_class: type[TopUpForm | RefundForm | AdjustmentForm],
    template_title: str,
    perform: Any,
    done: str,
) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    initial: dict[str, Any] = {"method": Account.Kind.BANK}
    if request.GET.get("member", "").isdigit():
        initial["membership"] = request.GET["member"]
    form = form_class(request.POST or None, group=group, user_id=_user(request).pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posted = perform(group=group, actor=_user(request), data=data)
        except UserFacingError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                done
                % {
                    "amount": data["amount"],
                    "member": data["membership"].user.name,
                    "pk": posted.pk,
                },
            )
            account = services.member_account(data["membership"])
            return redirect("ledger:account_detail", slug=group.slug, account_id=account.pk)
    return render(
        request,
        "ledger/operation.html",
        _context(group, membership, form=form, title=template_title),
    )


@login_required
def top_up(request: HttpRequest, slug: str) -> HttpResponse:
    def perform(*, group: BuyingGroup, actor: User, data: dict[str, Any]) -> Transaction:
        return treasury.ledger_top_up(
            membership=data["membership"],
            amount=data["amount"],
            method=data["method"],
            actor=actor,
            idempotency_key=data["idempotency_key"],
            reference=data["reference"],
            booked_on=data["booked_on"],
        )

    return _member_operation(
        request, slug, TopUpForm, _("Record a top-up"), perform,
        _("Top-up #%(pk)s of %(amount)s for %(member)s is recorded."),
    )  # fmt: skip


@login_required
def refund(request: HttpRequest, slug: str) -> HttpResponse:
    def perform(*, group: BuyingGroup, actor: User, data: dict[str, Any]) -> Transaction:
        return treasury.ledger_refund(
            membership=data["membership"],
            amount=data["amount"],
            method=data["method"],
            actor=actor,
            idempotency_key=data["idempotency_key"],
            reason=data["reason"],
        )

    return _member_operation(
        request, slug, RefundForm, _("Refund a member"), perform,
        _("Refund #%(pk)s of %(amount)s to %(member)s is recorded."),
    )  # fmt: skip


@login_required
def adjust(request: HttpRequest, slug: str) -> HttpResponse:
    def perform(*, group: BuyingGroup, actor: User, data: dict[str, Any]) -> Transaction:
        return treasury.ledger_adjust(
            membership=data["membership"],
            amount=data["amount"],
            reason=data["reason"],
            actor=actor,
            idempotency_key=data["idempotency_key"],
        )

    return _member_operation(
        request, slug, AdjustmentForm, _("Adjust a balance"), perform,
        _("Adjustment #%(pk)s of %(amount)s for %(member)s is recorded."),
    )  # fmt: skip


@login_required
def transactions(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    page = Paginator(selectors.transactions_of_group(group=group), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "ledger/transactions.html", _context(group, membership, page=page))


@login_required
def reverse_transaction(request: HttpRequest, slug: str, transaction_id: int) -> HttpResponse:
    """Undo a mistaken transaction by posting its mirror (confirm first)."""
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    original = transaction_in_group(group=group, transaction_id=transaction_id)
    form = ReverseForm(request.POST or None, group=group, user_id=_user(request).pk)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = treasury.ledger_reverse(
                original=original,
                actor=_user(request),
                idempotency_key=form.cleaned_data["idempotency_key"],
                reason=form.cleaned_data["reason"],
            )
        except UserFacingError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Transaction #%(pk)s is reversed by #%(rev)s.")
                % {"pk": original.pk, "rev": reversal.pk},
            )
            return redirect("ledger:transactions", slug=group.slug)
    return render(
        request,
        "ledger/reverse.html",
        _context(
            group,
            membership,
            form=form,
            original=original,
            entries=original.entries.select_related("account"),
        ),
    )


@login_required
def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    current = selectors.ledger_settings_of(group=group)
    bank = request.method == "POST" and request.POST.get("action") == "bank"
    bank_form = BankDetailsForm(
        request.POST if bank else None,
        prefix="bank",
        initial={
            "account_name": current.bank_account_name,
            "sort_code": current.bank_sort_code,
            "account_number": current.bank_account_number,
            "iban": current.bank_iban,
            "bic": current.bank_bic,
        },
    )
    if bank and bank_form.is_valid():
        try:
            ledger_bank_details_update(
                group=group, actor=_user(request), details=BankDetails(**bank_form.cleaned_data)
            )
        except UserFacingError as error:
            form_error(bank_form, error)
        else:
            messages.success(request, _("The bank details are saved; members see them now."))
            return redirect("ledger:settings", slug=group.slug)
    form = SettingsForm(
        request.POST if request.method == "POST" and not bank else None,
        initial={
            "prepayment_required": current.prepayment_required,
            "credit_limit": current.credit_limit,
            "invoice_prefix": current.invoice_prefix,
        },
    )
    if request.method == "POST" and not bank and form.is_valid():
        try:
            treasury.ledger_settings_update(group=group, actor=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            form_error(form, error)
        else:
            messages.success(request, _("The money rules are saved."))
            return redirect("ledger:overview", slug=group.slug)
    return render(
        request, "ledger/settings.html", _context(group, membership, form=form, bank_form=bank_form)
    )


@login_required
def suppliers(request: HttpRequest, slug: str) -> HttpResponse:
    """Supplier payables: record an invoice (see the difference), record a payment."""
    group, membership = group_for_treasurer(slug=slug, user=request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    user_id = _user(request).pk
    invoice_form = SupplierInvoiceForm(
        request.POST if action == "invoice" else None,
        group=group,
        user_id=user_id,
        prefix="invoice",
    )
    payment_form = SupplierPaymentForm(
        request.POST if action == "payment" else None,
        group=group,
        user_id=user_id,
        prefix="payment",
        initial={"method": Account.Kind.BANK},
    )
    if action == "invoice" and invoice_form.is_valid():
        data = invoice_form.cleaned_data
        try:
            invoice = supplier_money.supplier_invoice_record(
                group=group, supplier=data["supplier"], number=data["number"],
                amount=data["amount"], actor=_user(request),
                idempotency_key=data["idempotency_key"], round_id=data["round_id"],
            )  # fmt: skip
        except UserFacingError as error:
            form_error(invoice_form, error)
        else:
            messages.success(
                request,
                _("Invoice %(number)s is recorded; difference from the round: %(diff)s.")
                % {"number": invoice.number, "diff": invoice.difference},
            )
            return redirect("ledger:suppliers", slug=group.slug)
    if action == "payment" and payment_form.is_valid():
        data = payment_form.cleaned_data
        try:
            posted = supplier_money.supplier_payment_record(
                group=group, supplier=data["supplier"], amount=data["amount"],
                actor=_user(request), idempotency_key=data["idempotency_key"],
                method=data["method"], reference=data["reference"],
            )  # fmt: skip
        except UserFacingError as error:
            form_error(payment_form, error)
        else:
            messages.success(
                request,
                _("Payment #%(pk)s of %(amount)s to %(supplier)s is recorded.")
                % {"pk": posted.pk, "amount": data["amount"], "supplier": data["supplier"].name},
            )
            return redirect("ledger:suppliers", slug=group.slug)
    context = _context(
        group,
        membership,
        invoice_form=invoice_form,
        payment_form=payment_form,
        payables=Account.objects.filter(group=group, kind=Account.Kind.SUPPLIER),
        invoices=selectors.supplier_invoices_of_group(group=group)[:50],
        has_suppliers=Supplier.objects.filter(group=group).exists(),
    )
    return render(request, "ledger/suppliers.html", context)


@login_required
def export_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Every entry of the group for the accountant."""
    group, _membership = group_for_treasurer(slug=slug, user=request.user)
    response = StreamingHttpResponse(transactions_csv(group), content_type="text/csv")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{group.slug}-ledger-{stamp}.csv"'
    return response
