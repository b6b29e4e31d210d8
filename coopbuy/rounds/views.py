"""Round pages: the list, a new round, a round's page and what its coordinators do to it.

Thin views that parse, check access (`permissions`), call a service, render. The ordering page is
in `ordering_views`, receiving and collection in `delivery_views`; all share `round_context`.
"""

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
from coopbuy.rounds import billing, closing, documents, extensions, selectors, services
from coopbuy.rounds.forms import (
    CancelForm,
    CloseConfirmForm,
    DeadlineForm,
    RepeatForm,
    RoundForm,
    WantedByForm,
)
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round
from coopbuy.rounds.permissions import round_for_coordinator, round_for_member
from coopbuy.rounds.preclose import close_preview
from coopbuy.rounds.schedules import round_repeat
from coopbuy.rounds.wanted_by import round_set_wanted_by


def request_user(request: HttpRequest) -> User:
    """The signed-in person (every round page needs one: `login_required`)."""
    user = request.user
    assert isinstance(user, User)
    return user


def round_context(group: Any, membership: Membership, round: Round | None = None) -> dict[str, Any]:
    """What every round page shows around its own content."""
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
    return render(request, "rounds/list.html", {**round_context(group, membership), "page": page})


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
                actor=request_user(request),
                name=data["name"],
                suppliers=list(data["suppliers"]),
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                policy=data["policy"],
                markup_percent=data["markup_percent"],
                delivery_share=data["delivery_share"],
                wanted_by=data["wanted_by"],
            )
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The round is drafted. Open it when you are ready."))
            return redirect("rounds:detail", slug=group.slug, round_id=round.pk)
    return render(request, "rounds/create.html", {**round_context(group, membership), "form": form})


@login_required
def round_detail(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, membership, round = round_for_member(slug=slug, round_id=round_id, user=request.user)
    if round.status == Round.Status.DRAFT and not can_manage(membership):
        return render(request, "rounds/not_open.html", round_context(group, membership, round))
    mine = (
        Allocation.objects.filter(round=round, membership=membership)
        .select_related("product")
        .order_by("product__name")
    )
    charge = MemberRoundCharge.objects.filter(round=round, membership=membership).first()
    context = {
        **round_context(group, membership, round),
        "allocations": mine,
        "charge": charge,
        "delivery_alone": selectors.delivery_alone(round=round, membership_id=membership.pk)
        if charge
        else None,
        "suppliers": round.suppliers.all(),
        "repeat_form": RepeatForm(initial={"interval_weeks": 2}),
        "deadline_form": DeadlineForm(initial={"closes_at": timezone.localtime(round.closes_at)}),
        "wanted_by_form": WantedByForm(initial={"wanted_by": round.wanted_by}),
        "receiving_records": round.receiving_records.select_related("product", "recorded_by")[:20],
        "panels": extensions.ordering_panels(round=round, membership=membership),
    }
    return render(request, "rounds/detail.html", context)


def _action(request: HttpRequest, slug: str, round_id: int, action: str) -> HttpResponse:
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    user = request_user(request)
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
            result = closing.round_close(round=round, actor=request_user(request))
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
        **round_context(group, membership, round),
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
                round=round, actor=request_user(request), reason=form.cleaned_data["reason"]
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
        {**round_context(group, membership, round), "form": form, "baskets": baskets},
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
                round=round, actor=request_user(request), closes_at=form.cleaned_data["closes_at"]
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The deadline has moved."))
    return redirect("rounds:detail", slug=group.slug, round_id=round.pk)


@login_required
@require_POST
def wanted_by(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    form = WantedByForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date as day, month and year, or leave it empty."))
    else:
        try:
            round_set_wanted_by(
                round=round, actor=request_user(request), wanted_by=form.cleaned_data["wanted_by"]
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The wanted-by date is saved."))
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
            round_repeat(round=round, actor=request_user(request), **form.cleaned_data)
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
