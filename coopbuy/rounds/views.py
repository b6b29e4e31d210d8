"""Round pages: thin views that parse, check access (`permissions`), call a service, render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import can_manage, group_for_coordinator, group_for_member
from coopbuy.ledger.selectors import spending_explanation
from coopbuy.rounds import (
    billing,
    closing,
    documents,
    errors,
    extensions,
    ordering,
    receiving,
    selectors,
    services,
    spending,
)
from coopbuy.rounds.forms import (
    BasketForm,
    BudgetForm,
    CancelForm,
    CloseConfirmForm,
    CollectionForm,
    DeadlineForm,
    ReceiveForm,
    RepeatForm,
    RoundForm,
)
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round, RoundProduct
from coopbuy.rounds.permissions import round_for_coordinator, round_for_member
from coopbuy.rounds.preclose import close_preview
from coopbuy.rounds.schedules import round_repeat


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _context(group: Any, membership: Membership, round: Round | None = None) -> dict[str, Any]:
    return {
        "group": group,
        "membership": membership,
        "round": round,
        "can_manage": can_manage(membership),
    }


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    rounds = selectors.rounds_of_group(group=group)
    if not can_manage(membership):
        rounds = rounds.exclude(status=Round.Status.DRAFT)
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    return render(request, "rounds/list.html", {**_context(group, membership), "page": page})


@login_required
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RoundForm(
        request.POST or None,
        group=group,
        initial={
            "opens_at": now,
            "closes_at": now + timedelta(days=7),
            "policy": "fcfs",
            "delivery_share": "value",
            "markup_percent": 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round = services.round_create(
                group=group,
                actor=_user(request),
                name=data["name"],
                suppliers=list(data["suppliers"]),
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                policy=data["policy"],
                markup_percent=data["markup_percent"],
                delivery_share=data["delivery_share"],
            )
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The round is drafted. Open it when you are ready."))
            return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    return render(request, "rounds/create.html", {**_context(group, membership), "form": form})


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT and not can_manage(membership):
        return render(request, "rounds/not_open.html", _context(group, membership, round))
    mine = (
        Allocation.objects.filter(round=round, membership=membership)
        .select_related("product")
        .order_by("product__name")
    )
    charge = MemberRoundCharge.objects.filter(round=round, membership=membership).first()
    context = {
        **_context(group, membership, round),
        "allocations": mine,
        "charge": charge,
        "delivery_alone": selectors.delivery_alone(round=round, membership_id=membership.pk)
        if charge
        else None,
        "suppliers": round.suppliers.all(),
        "repeat_form": RepeatForm(initial={"interval_weeks": 2}),
        "deadline_form": DeadlineForm(initial={"closes_at": timezone.localtime(round.closes_at)}),
        "receiving_records": round.receiving_records.select_related("product", "recorded_by")[:20],
        "panels": extensions.ordering_panels(round=round, membership=membership),
    }
    return render(request, "rounds/detail.html", context)


def _action(request: HttpRequest, slug: str, round_id: int, action: str) -> HttpResponse:
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    user = _user(request)
    try:
        if action == "open":
            services.round_open(round=round, actor=user)
            messages.success(request, _("The round is open for orders."))
        elif action == "send-order":
            closing.round_send_order(round=round, actor=user)
            messages.success(request, _("The orders are on their way to the suppliers."))
        elif action == "settle":
            issued = billing.round_settle(round=round, actor=user)
            messages.success(
                request,
                _("The round is settled; %(n)d members were sent their invoice.") % {"n": issued},
            )
    except UserFacingError as error:
        messages.error(request, error.message)
    return redirect("rounds:detail", slug=group.slug, round_id=round.pk)


@login_required
def round_action(request: HttpRequest, slug: str, round_id: str, action: str) -> HttpResponse:
    """Open, send the orders, settle (POST); close and cancel show what they do first (GET)."""
    if action == "close":
        return _close(request, slug, int(round_id))
    if action == "cancel":
        return _cancel(request, slug, int(round_id))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _action(request, slug, int(round_id), action)


def _close(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    if round.status != Round.Status.OPEN:
        if round.status in closing.FROZEN:
            messages.info(request, _("The round was already closed."))
        else:
            messages.error(request, _("Only an open round can be closed."))
        return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    form = CloseConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = closing.round_close(round=round, actor=_user(request))
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The round is closed; %(n)d members were told what they get.")
                % {"n": result.members}
                if result.closed_now
                else _("The round was already closed."),
            )
        return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    context = {
        **_context(group, membership, round),
        "preview": close_preview(round=round),
        "form": form,
    }
    return render(request, "rounds/close.html", context)


def _cancel(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    if round.status not in (Round.Status.DRAFT, Round.Status.OPEN):
        messages.error(request, _("Only a draft or open round can be cancelled."))
        return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_cancel(
                round=round, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The round is cancelled."))
        return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    baskets = selectors.members_with_baskets(round=round)
    return render(
        request,
        "rounds/cancel.html",
        {**_context(group, membership, round), "form": form, "baskets": baskets},
    )


@login_required
@require_POST
def deadline(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a date and time for the new deadline."))
    else:
        try:
            services.round_set_closing_time(
                round=round, actor=_user(request), closes_at=form.cleaned_data["closes_at"]
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The deadline has moved."))
    return redirect("rounds:detail", slug=group.slug, round_id=round.pk)


@login_required
@require_POST
def repeat(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    form = RepeatForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose every how many weeks, from 1 to 12."))
    else:
        try:
            round_repeat(round=round, actor=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("When this round closes, the next one opens."))
    return redirect("rounds:detail", slug=group.slug, round_id=round.pk)


@login_required
def purchase_order_file(
    request: HttpRequest, slug: str, round_id: int, supplier_id: int, kind: str
) -> HttpResponse:
    _group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    if kind not in ("pdf", "csv"):
        raise Http404(_("A purchase order is a PDF or a CSV file."))
    if round.status not in closing.FROZEN:
        messages.error(request, _("The order exists once the round has closed."))
        return redirect("rounds:detail", slug=slug, round_id=round.pk)
    supplier = get_object_or_404(round.suppliers, pk=supplier_id)
    order = documents.purchase_order(round, supplier)
    if kind == "pdf":
        body, mimetype = documents.purchase_order_pdf(order), "application/pdf"
    else:
        body, mimetype = documents.purchase_order_csv(order), "text/csv"
    response = HttpResponse(body, content_type=mimetype)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{order.filename}.{kind}"
    )
    return response


# Ordering ----------------------------------------------------------------------------------------


def _order_context(
    request: HttpRequest, round: Round, membership: Membership, only: int | None = None
) -> dict[str, Any]:
    query = request.GET.get("q", "").strip()[:80]
    category = request.GET.get("category", "")[:80]
    mine_only = request.GET.get("mine") == "1"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, has_more = ordering.product_rows(
        round=round,
        membership=membership,
        query=query,
        category=category,
        page=page,
        only=only,
        mine_only=mine_only,
    )
    return {
        "rows": rows,
        "has_more": has_more,
        "next_page": page + 1,
        "query": query,
        "category": category,
        "mine_only": mine_only,
        **_spending(round, membership),
        "accepting": round.is_open and timezone.now() < round.closes_at,
        "closed_message": errors.closed_message(round),
    }


def _spending(round: Round, membership: Membership) -> dict[str, Any]:
    """The basket, and what the member may still add to it under the group's money rules."""
    summary = ordering.basket_summary(round=round, membership=membership)
    return {
        "summary": summary,
        "available_to_spend": spending.spending_left(
            membership=membership, basket_total=summary.total
        ),
        "spending_explanation": spending_explanation(
            membership=membership, committed=summary.total
        ),
    }


@login_required
def order_page(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT:
        return render(request, "rounds/not_open.html", _context(group, membership, round))
    context = {**_context(group, membership, round), **_order_context(request, round, membership)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "rounds/_product_page.html", context)
    context["categories"] = ordering.categories(round=round)
    context["suppliers"] = ordering.supplier_progress(round=round)
    context["panels"] = extensions.ordering_panels(round=round, membership=membership)
    return render(request, "rounds/order.html", context)


@login_required
def order_suppliers(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The group's progress towards each supplier's minimum and free delivery (htmx refresh)."""
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT:
        raise Http404(_("This round is not open yet."))
    context = {
        **_context(group, membership, round),
        "suppliers": ordering.supplier_progress(round=round),
    }
    return render(request, "rounds/_supplier_progress.html", context)


@login_required
@require_POST
def basket_update(request: HttpRequest, slug: str, round_id: int, product_id: int) -> HttpResponse:
    """One product's quantity or tolerance; the htmx answer is the row and the summary (oob).

    A refused value is explained beside the field and the row shows what is really saved.
    """
    group, membership = group_for_member(slug=slug, user=request.user)
    membership.group = group
    form = BasketForm(request.POST)
    error = None
    change = None
    if form.is_valid():
        quantity, tolerance = form.cleaned_data["quantity"], form.cleaned_data["tolerance"] or 0
        step = request.POST.get("step", "")
        if step in ("quantity:1", "quantity:-1"):
            quantity = max(0, quantity + int(step.split(":")[1]))
        elif step in ("tolerance:1", "tolerance:-1"):
            tolerance = max(0, tolerance + int(step.split(":")[1]))
        try:  # the service locks the round and checks it is this group's (404 otherwise)
            change = services.basket_set(
                round=Round(pk=round_id, group=group),
                user=_user(request),
                product_id=product_id,
                quantity=quantity,
                tolerance=tolerance,
                membership=membership,
            )
        except UserFacingError as failure:
            error = failure.message
    else:
        error = form_error_text(form)
    if change is not None and request.htmx:  # type: ignore[attr-defined]
        context = {  # the service worked out what the page shows: no more queries
            **_context(group, membership, change.round),
            "row": change.row,
            "summary": change.summary,
            "available_to_spend": change.spending.left(change.summary.total),
            "spending_explanation": change.spending.explanation(change.summary.total),
            "accepting": True,
            "oob": True,
        }
        response = render(request, "rounds/_basket_update.html", context)
        response["HX-Trigger"] = "basket-changed"
        return response
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if not request.htmx:  # type: ignore[attr-defined]
        get_object_or_404(RoundProduct, round=round, pk=product_id)
        if error:
            messages.error(request, error)
        return redirect("rounds:order", slug=group.slug, round_id=round.pk)
    context = {
        **_context(group, membership, round),
        **_order_context(request, round, membership, only=product_id),
        "error": error,
        "oob": True,
    }
    if not context["rows"]:
        raise Http404(_("There is no such product in this round."))
    context["row"] = context["rows"][0]
    return render(request, "rounds/_basket_update.html", context, status=200)


def form_error_text(form: BasketForm) -> str:
    """The refusal of a value the form cannot take, in words that say what to type instead."""
    for name in ("quantity", "tolerance"):
        raw = str(form.data.get(name, "")).strip()
        if name in form.errors:
            what = _("the quantity") if name == "quantity" else _("the extra")
            return _(
                "%(value)s is not possible for %(what)s: give a whole number from 0 to 9999."
            ) % {
                "value": raw or _("An empty value"),
                "what": what,
            }
    return _("Give a whole number from 0 to 9999.")


@login_required
@require_POST
def budget(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    form = BudgetForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.budget_set(
                round=round, user=_user(request), amount=form.cleaned_data["amount"]
            )
        except UserFacingError as failure:
            error = failure.message
    else:
        error = _("Give an amount such as 40.00.")
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("rounds:order", slug=group.slug, round_id=round.pk)
    context = {
        **_context(group, membership, round),
        **_spending(round, membership),
        "accepting": round.is_open and timezone.now() < round.closes_at,
        "budget_error": error,
    }
    return render(request, "rounds/_basket_summary.html", context)


# Delivery ----------------------------------------------------------------------------------------


@login_required
def receive(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    if request.method == "POST":
        form = ReceiveForm(request.POST)
        valid = form.is_valid()
        if "product" in form.errors:
            messages.error(request, _("Choose a product of this round."))
            return redirect("rounds:receive", slug=group.slug, round_id=round.pk)
        product = get_object_or_404(RoundProduct, round=round, pk=form.cleaned_data["product"])
        if valid:
            figures = {k: v for k, v in form.cleaned_data.items() if k != "product"}
            try:
                receiving.round_receive_product(
                    round=round, actor=_user(request), product_id=product.pk, **figures
                )
            except UserFacingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Recorded: %(name)s.") % {"name": product.name})
        else:
            messages.error(request, _("Check the figures for %(name)s.") % {"name": product.name})
        return redirect("rounds:receive", slug=group.slug, round_id=round.pk)
    products = RoundProduct.objects.filter(round=round, cases__gt=0).order_by("name", "pk")
    news = len(receiving.receiving_news(round))
    return render(
        request,
        "rounds/receive.html",
        {**_context(group, membership, round), "products": products, "news": news},
    )


@login_required
@require_POST
def receive_done(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The coordinator finished receiving: each member affected gets one email with all of it."""
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    try:
        told = receiving.round_receiving_done(round=round, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(n)d members were told what arrived and what they pay now.") % {"n": told},
        )
    return redirect("rounds:detail", slug=group.slug, round_id=round.pk)


@login_required
def pick_lists(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    context = {
        **_context(group, membership, round),
        "bags": selectors.pick_list_by_member(round=round),
        "picks": selectors.pick_list_by_product(round=round),
    }
    if request.GET.get("format") == "pdf":
        response = HttpResponse(
            documents.pdf("rounds/pdf/pick_lists.html", context), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="pick-lists-{round.pk}.pdf"'
        return response
    return render(request, "rounds/pick_lists.html", context)


@login_required
def collection(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    context = {
        **_context(group, membership, round),
        "charges": selectors.collection_list(round=round),
    }
    return render(request, "rounds/collection.html", context)


@login_required
@require_POST
def collect(request: HttpRequest, slug: str, round_id: int, membership_id: int) -> HttpResponse:
    group, membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    form = CollectionForm(request.POST)
    form.is_valid()
    error = None
    try:
        charge = receiving.round_mark_collected(
            round=round,
            actor=_user(request),
            membership_id=membership_id,
            collected=form.cleaned_data.get("collected", False),
            note=form.cleaned_data.get("note", ""),
        )
    except UserFacingError as failure:
        error = failure.message
        charge = get_object_or_404(MemberRoundCharge, round=round, membership_id=membership_id)
    if not request.htmx:  # type: ignore[attr-defined]
        if error:
            messages.error(request, error)
        return redirect("rounds:collection", slug=group.slug, round_id=round.pk)
    charge = MemberRoundCharge.objects.select_related("membership__user").get(pk=charge.pk)
    return render(
        request,
        "rounds/_collection_row.html",
        {**_context(group, membership, round), "charge": charge, "error": error},
    )
