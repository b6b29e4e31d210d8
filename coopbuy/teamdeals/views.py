"""Team deal pages: an organisation's deals, a deal, a team (its share link), my teams, and the
admin's management of the organisation's deals."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.ledger.selectors import format_money
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.permissions import admin_of, organisation_for_admin
from coopbuy.teamdeals import money as money_services
from coopbuy.teamdeals import selectors, services
from coopbuy.teamdeals.forms import DealForm, PaymentForm, UndoForm
from coopbuy.teamdeals.models import BuyerPayment, Deal, Team
from coopbuy.teamdeals.permissions import deal_for_admin, deal_for_viewer, team_for_viewer


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _money(value: object) -> str:
    return format_money(value, "GBP") if value is not None else ""  # type: ignore[arg-type]


def _team_url(team: Team) -> str:
    return reverse("teamdeals:team", args=[team.deal_id, team.campaign.code])


def organisation_deals(request: HttpRequest, slug: str) -> HttpResponse:
    """The deals an organisation offers now; public."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("There is no organisation at this address."))
    page = Paginator(selectors.offered_deals(organisation), 20).get_page(request.GET.get("page"))
    is_admin = admin_of(organisation=organisation, user=request.user) is not None
    context = {"organisation": organisation, "page": page, "is_admin": is_admin}
    return render(request, "teamdeals/organisation_deals.html", context)


def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = deal_for_viewer(deal_id=deal_id)
    teams = [(t, selectors.team_progress(t)) for t in selectors.open_teams(deal)[:20]]
    here = reverse("teamdeals:deal", args=[deal.pk])
    context = {
        "deal": deal,
        "tiers": [(t.size, _money(t.unit_price)) for t in deal.tiers.all()],
        "solo_price": _money(deal.solo_price),
        "teams": teams,
        "offered": services.is_offered(deal, timezone.now()),
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
    }
    return render(request, "teamdeals/deal.html", context)


def _team_context(request: HttpRequest, team: Team) -> dict[str, object]:
    place = selectors.member_of(team, request.user) if isinstance(request.user, User) else None
    progress = selectors.team_progress(team)
    here = _team_url(team)
    campaign = team.campaign
    return {
        "team": team,
        "deal": team.deal,
        "campaign": campaign,
        "progress": progress,
        "place": place,
        "in_team": place is not None and place.status == "active",
        "amount_due": _money(place.amount_due) if place and place.amount_due else "",
        "accepting": campaign.is_open and timezone.now() < campaign.deadline,
        "share_url": request.build_absolute_uri(here),
        "tiers": [(t.threshold, _money(t.unit_price)) for t in campaign.tiers.all()],
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
    }


def team_detail(request: HttpRequest, deal_id: int, code: str) -> HttpResponse:
    """The share link: anyone with it sees the team's progress; signed in, they may join."""
    team = team_for_viewer(deal_id=deal_id, code=code)
    return render(request, "teamdeals/team.html", _team_context(request, team))


def team_progress(request: HttpRequest, deal_id: int, code: str) -> HttpResponse:
    """The progress panel alone, which the team page refreshes with htmx."""
    team = team_for_viewer(deal_id=deal_id, code=code)
    return render(request, "teamdeals/_progress.html", _team_context(request, team))


@login_required
@require_POST
def team_start(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = deal_for_viewer(deal_id=deal_id)
    try:
        team = services.team_start(deal=deal, user=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect("teamdeals:deal", deal_id=deal.pk)
    messages.success(request, _("Your team is started and your place held: share its link."))
    return redirect(_team_url(team))


@login_required
@require_POST
def team_join(request: HttpRequest, deal_id: int, code: str) -> HttpResponse:
    team = team_for_viewer(deal_id=deal_id, code=code)
    try:
        result = services.team_join(team=team, user=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The team is full and goes ahead: you pay the team price.")
            if result.filled
            else _("You are in the team; your place is held."),
        )
    return redirect(_team_url(team))


@login_required
@require_POST
def team_leave(request: HttpRequest, deal_id: int, code: str) -> HttpResponse:
    team = team_for_viewer(deal_id=deal_id, code=code)
    try:
        services.team_leave(team=team, user=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You left the team; what was held is free again."))
    return redirect(_team_url(team))


@login_required
def my_teams(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_teams(_user(request)), 20).get_page(request.GET.get("page"))
    rows = [
        {
            "place": place,
            "team": place.campaign.team,
            "state": selectors.state_of(place.campaign.team),
            "amount_due": _money(place.amount_due) if place.amount_due else "",
        }
        for place in page
    ]
    balances = selectors.my_seller_balances(_user(request))
    context = {"page": page, "rows": rows, "balances": balances}
    return render(request, "teamdeals/mine.html", context)


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The admin's deals, each with its teams' states, sizes and totals (never who bought)."""
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    deals = Paginator(organisation.deals.prefetch_related("tiers").order_by("-created_at", "-pk"),
                      10).get_page(request.GET.get("page"))  # fmt: skip
    rows = [
        {"deal": deal, "teams": [(f, _money(f.total)) for f in selectors.teams_for_admin(deal)]}
        for deal in deals
    ]
    context = {"organisation": organisation, "page": deals, "rows": rows}
    return render(request, "teamdeals/manage.html", context)


def _edit(request: HttpRequest, organisation: Organisation, deal: Deal | None) -> HttpResponse:
    initial = DealForm.initial_of(deal) if deal is not None else {}
    form = DealForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if deal is None:
                services.deal_create(
                    organisation=organisation, actor=_user(request), data=form.deal_input()
                )
            else:
                services.deal_update(deal=deal, actor=_user(request), data=form.deal_input())
        except UserFacingError as error:
            form.show(error.field, error.message)
        else:
            messages.success(request, _("The deal is saved."))
            return redirect("teamdeals:manage", slug=organisation.slug)
    context = {"organisation": organisation, "deal": deal, "form": form}
    return render(request, "teamdeals/edit.html", context)


@login_required
def deal_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    return _edit(request, organisation, None)


@login_required
def deal_update(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = deal_for_admin(deal_id=deal_id, user=request.user)
    return _edit(request, deal.organisation, deal)


@login_required
@require_POST
def deal_end(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = deal_for_admin(deal_id=deal_id, user=request.user)
    services.deal_end(deal=deal, actor=_user(request))
    messages.success(request, _("The deal has ended: no new teams; started teams run on."))
    return redirect("teamdeals:manage", slug=deal.organisation.slug)


@login_required
def money(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's team-deal money: sold, received, who still owes what; record a payment.

    The organisation is the seller: its admins see their own buyers' balances (never which team
    or what else they bought)."""
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    form = PaymentForm(request.POST or None, buyers=selectors.buyer_choices(organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = money_services.buyer_of(
                organisation=organisation, membership_id=data["buyer"]
            )
            money_services.buyer_payment_record(
                organisation=organisation,
                actor=_user(request),
                membership=membership,
                amount=data["amount"],
                method=data["method"],
                idempotency_key=f"web-{data['key']}",
                reference=data["reference"],
            )
        except UserFacingError as error:
            form.show(error.field, error.message)
        else:
            messages.success(request, _("The payment is recorded."))
            return redirect("teamdeals:money", slug=organisation.slug)
    summary = selectors.money_summary(organisation)
    payments = Paginator(selectors.payments_of(organisation), 20).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "summary": summary,
        "owed_in_book": selectors.organisation_owed(organisation),
        "form": form,
        "page": payments,
    }
    return render(request, "teamdeals/money.html", context)


@login_required
def payment_undo(request: HttpRequest, slug: str, payment_id: int) -> HttpResponse:
    """Undo a recorded payment, after a confirmation page: both books counter-posted."""
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    payment = (
        BuyerPayment.objects.filter(organisation=organisation, pk=payment_id)
        .select_related("membership__user")
        .first()
    )
    if payment is None:
        raise Http404(_("There is no such payment."))
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            money_services.buyer_payment_reverse(
                payment=payment, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except UserFacingError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("The payment is undone."))
            return redirect("teamdeals:money", slug=organisation.slug)
    context = {"organisation": organisation, "payment": payment, "form": form}
    return render(request, "teamdeals/payment_undo.html", context)
