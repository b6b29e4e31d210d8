"""Pooled round pages for a federation's coordinators: open, watch per-group totals, close,
and the purchase order with each group's drop (page and CSV). Never a member's basket. And the
federation's runners record paying a pooled round's supplier (a form on its money page)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.federations.permissions import Role, federation_for_runner
from coopbuy.federations.views import money_page
from coopbuy.pooled import receiving, report, selectors, services
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.forms import (
    FederationSupplierPaymentForm,
    PooledReceiveForm,
    PooledRoundForm,
)
from coopbuy.pooled.order_mail import order_csv
from coopbuy.pooled.panels import federation_payables_panel
from coopbuy.pooled.payments import federation_supplier_payment_record
from coopbuy.pooled.permissions import pool_for_runner
from coopbuy.pooled.report_charts import report_charts
from coopbuy.pooled.report_files import pool_rounds_csv, pool_rounds_xlsx

RUNNERS = (Role.COORDINATOR, Role.TREASURER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def pooled_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The federation's pooled rounds, and the form to open one."""
    federation = federation_for_runner(slug=slug, user=request.user)
    suppliers = services.shared_suppliers(federation)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = PooledRoundForm(
        request.POST or None,
        suppliers=suppliers,
        initial={"opens_at": now, "closes_at": now + timedelta(days=7), "policy": "fcfs"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pool = services.pooled_round_open(
                federation=federation, actor=_user(request), supplier=data["supplier"],
                name=data["name"], opens_at=data["opens_at"], closes_at=data["closes_at"],
                policy=data["policy"], drop_fee=data["drop_fee"],
            )  # fmt: skip
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The pooled round is open in every member group."))
            return redirect("pooled:detail", slug=federation.slug, pool_id=pool.pk)
    page = Paginator(selectors.pooled_rounds_of(federation), 20).get_page(request.GET.get("page"))
    context = {"federation": federation, "page": page, "form": form, "suppliers": suppliers}
    return render(request, "pooled/list.html", context)


@login_required
def pooled_detail(request: HttpRequest, slug: str, pool_id: int) -> HttpResponse:
    federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=request.user)
    context = {
        "federation": federation,
        "pool": pool,
        "open_totals": selectors.open_totals(pool) if pool.status == "open" else [],
        "progress": selectors.pool_progress(pool),
        "results": list(selectors.group_results(pool)),
        "drops": list(selectors.drops(pool)),
        "order_lines": selectors.purchase_order(pool),
    }
    return render(request, "pooled/detail.html", context)


@login_required
@require_POST
def pooled_action(request: HttpRequest, slug: str, pool_id: int, action: str) -> HttpResponse:
    federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=request.user)
    try:
        if action == "close":
            pooled_round_close(pool=pool, actor=_user(request))
            messages.success(request, _("The pooled round is closed; every group has its drop."))
        elif action == "cancel":
            services.pooled_round_cancel(pool=pool, actor=_user(request))
            messages.success(request, _("The pooled round is cancelled."))
        elif action == "ordered":
            services.pooled_round_mark_ordered(pool=pool, actor=_user(request))
            messages.success(request, _("The pooled order is marked as sent to the supplier."))
    except UserFacingError as error:
        messages.error(request, error.message)
    return redirect("pooled:detail", slug=federation.slug, pool_id=pool.pk)


@login_required
def purchase_order_csv(request: HttpRequest, slug: str, pool_id: int) -> HttpResponse:
    """The order to the supplier, then each group's drop: one CSV (as the supplier's email's)."""
    _federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=request.user)
    response = HttpResponse(order_csv(pool), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pooled-order-{pool.pk}.csv"'
    return response


@login_required
@require_POST
def supplier_payment(request: HttpRequest, slug: str) -> HttpResponse:
    """Record paying a supplier the federation owes (its coordinators and treasurer); errors are
    shown with their fields on the money page, success goes back to it."""
    federation = federation_for_runner(
        slug=slug, user=request.user, roles=(Role.COORDINATOR, Role.TREASURER)
    )
    user = _user(request)
    form = FederationSupplierPaymentForm(request.POST, user_id=user.pk, federation=federation)
    if form.is_valid():
        data = form.cleaned_data
        try:
            federation_supplier_payment_record(
                federation=federation, supplier=data["supplier"], amount=data["amount"],
                method=data["method"], actor=user, idempotency_key=data["idempotency_key"],
                reference=data["reference"],
            )  # fmt: skip
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The payment of %(amount)s to %(supplier)s is recorded.")
                % {"amount": data["amount"], "supplier": data["supplier"].name},
            )
            return redirect("federations:money", slug=federation.slug)
    panel = federation_payables_panel(federation=federation, user=user, form=form)
    return money_page(request, federation, with_errors=panel)


@login_required
def federation_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The federation's report (its coordinators and treasurer): what pooling saved per round and
    what each group spent, from the totals kept at close. Per-group totals, never a basket."""
    federation = federation_for_runner(slug=slug, user=request.user, roles=RUNNERS)
    rounds = report.federation_pool_rounds(federation=federation)
    groups = report.federation_pool_groups(federation=federation)
    currency = federation.book.currency
    context = {
        "federation": federation,
        "currency": currency,
        "rounds": rounds,
        "groups": groups,
        "charts": report_charts(rounds, groups, currency),
    }
    return render(request, "pooled/report.html", context)


@login_required
def federation_report_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Every closed pooled round's figures, newest first, as CSV or XLSX."""
    federation = federation_for_runner(slug=slug, user=request.user, roles=RUNNERS)
    rounds = report.federation_pool_rounds(federation=federation, limit=None)
    currency = federation.book.currency
    if kind == "csv":
        response = HttpResponse(
            pool_rounds_csv(rounds, currency), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(pool_rounds_xlsx(rounds, currency), content_type=XLSX)
    name = f"{federation.slug}-pooled-rounds.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def pooled_receive(request: HttpRequest, slug: str, pool_id: int) -> HttpResponse:
    """What reached the federation of each product (its coordinators): one session, one
    transaction; a shortfall is shared over the pool and every book follows. With htmx, the
    form's section is answered alone."""
    federation, pool = pool_for_runner(slug=slug, pool_id=pool_id, user=request.user)
    expected = receiving.expected_lines(pool)
    form = PooledReceiveForm(
        request.POST if request.method == "POST" else None,
        expected=expected,
        initial={"session": uuid.uuid4().hex},
    )
    done = None
    if request.method == "POST" and form.is_valid():
        try:
            done = receiving.pooled_round_receive(
                pool=pool, actor=_user(request), lines=form.lines(),
                key=form.cleaned_data["session"], note=form.cleaned_data["note"],
            )  # fmt: skip
        except UserFacingError as error:
            form.add_error(form.field_of(error.field), error.message)
        else:
            message = _(
                "Recorded. %(n)d members were told what changed for them."
            ) % {"n": done.members_told}  # fmt: skip
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, message)
                return redirect("pooled:receive", slug=federation.slug, pool_id=pool.pk)
            pool.refresh_from_db()
            expected = receiving.expected_lines(pool)
            form = PooledReceiveForm(expected=expected, initial={"session": uuid.uuid4().hex})
    context = {
        "federation": federation,
        "pool": pool,
        "form": form,
        "done": done,
        "can_receive": pool.status in receiving.RECEIVABLE and not receiving.drops_started(pool),
        "sessions": selectors.receivings(pool),
        "leftovers": selectors.federation_leftovers(pool),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "pooled/_receive_form.html", context)
    return render(request, "pooled/receive.html", context)
