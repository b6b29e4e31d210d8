"""After the close: receiving the delivery, pick lists, and collection by members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.errors import UserFacingError
from coopbuy.rounds import documents, extensions, receiving, selectors
from coopbuy.rounds.forms import CollectionForm, ReceiveForm
from coopbuy.rounds.models import MemberRoundCharge, RoundProduct
from coopbuy.rounds.permissions import round_for_coordinator
from coopbuy.rounds.views import request_user, round_context


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
                    round=round, actor=request_user(request), product_id=product.pk, **figures
                )
            except UserFacingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Recorded: %(name)s.") % {"name": product.name})
        else:
            messages.error(request, _("Check the figures for %(name)s.") % {"name": product.name})
        return redirect("rounds:receive", slug=group.slug, round_id=round.pk)
    products = list(RoundProduct.objects.filter(round=round, cases__gt=0).order_by("name", "pk"))
    if round.pool_id is not None:  # a pooled round's drop: what the federation sent the group
        sent = extensions.pooled_drop_units(round=round)
        products = [p for p in products if sent.get(p.pk)]
        for p in products:
            p.drop_units = sent[p.pk]  # type: ignore[attr-defined]
    news = len(receiving.receiving_news(round))
    return render(
        request,
        "rounds/receive.html",
        {**round_context(group, membership, round), "products": products, "news": news},
    )


@login_required
@require_POST
def receive_done(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
    """The coordinator finished receiving: each member affected gets one email with all of it."""
    group, _membership, round = round_for_coordinator(
        slug=slug, round_id=round_id, user=request.user
    )
    try:
        told = receiving.round_receiving_done(round=round, actor=request_user(request))
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
        **round_context(group, membership, round),
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
        **round_context(group, membership, round),
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
            actor=request_user(request),
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
        {**round_context(group, membership, round), "charge": charge, "error": error},
    )
