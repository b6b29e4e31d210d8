"""Campaign pages: the open campaigns, a group's campaigns, one campaign with its pledge form."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.campaigns import emails, selectors, services
from coopbuy.campaigns.forms import CampaignForm, CancelForm, PledgeForm
from coopbuy.campaigns.models import Pledge
from coopbuy.campaigns.permissions import campaign_for_coordinator, campaign_for_viewer
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import can_manage, group_for_coordinator, group_for_member
from coopbuy.ledger.selectors import format_money


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def open_campaigns(request: HttpRequest) -> HttpResponse:
    """Every open campaign of a public group, soonest deadline first; signed in or not."""
    page = Paginator(selectors.open_public_campaigns(), 20).get_page(request.GET.get("page"))
    return render(request, "campaigns/open.html", {"page": page})


@login_required
def group_campaigns(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    page = Paginator(selectors.campaigns_for_group(group), 20).get_page(request.GET.get("page"))
    context = {"group": group, "membership": membership, "page": page,
               "can_manage": can_manage(membership)}  # fmt: skip
    return render(request, "campaigns/group_list.html", context)


@login_required
def campaign_create(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    deadline = timezone.localtime().replace(second=0, microsecond=0) + timedelta(days=14)
    form = CampaignForm(request.POST or None, group=group, initial={"deadline": deadline})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                group=group,
                actor=_user(request),
                title=data["title"],
                description=data["description"],
                supplier=data["supplier"],
                unit=data["unit"],
                measure=data["measure"],
                tiers=form.tiers(),
                deadline=data["deadline"],
                cap=data["cap"],
                max_per_person=data["max_per_person"],
            )
        except UserFacingError as error:
            field = error.field if error.field in form.fields else None
            form.add_error("tier0_from" if error.field == "tiers" else field, error.message)
        else:
            messages.success(request, _("The campaign is open: share its link."))
            return redirect("campaigns:detail", code=campaign.code)
    context = {"group": group, "membership": membership, "form": form}
    return render(request, "campaigns/create.html", context)


def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for_viewer(code=code)
    user = request.user
    pledge = selectors.pledge_of(campaign, user) if isinstance(user, User) else None
    referral = request.GET.get("ref", "")[:20]
    initial: dict[str, object] = {"ref": referral}
    if pledge is not None and pledge.status == Pledge.Status.ACTIVE:
        initial.update(quantity=pledge.quantity, max_price=pledge.max_price)
    membership = (
        Membership.objects.filter(group=campaign.group, user=user).first()
        if isinstance(user, User)
        else None
    )
    here = reverse("campaigns:detail", args=[campaign.code])
    if referral:
        here += "?" + urlencode({"ref": referral})
    progress = selectors.progress_of(campaign)
    currency = campaign.group.currency
    reached = progress.figures.reached if progress.figures.tipped else -1
    context = {
        "campaign": campaign,
        "tier_rows": [
            {
                "threshold": t.threshold,
                "price": format_money(t.unit_price, currency),
                "reached": campaign.unit_price == t.unit_price or t.threshold <= reached,
            }
            for t in campaign.tiers.all()
        ],
        "progress": progress,
        "sentence": selectors.progress_sentence(campaign, progress),
        "unit_price": format_money(campaign.unit_price, currency) if campaign.unit_price else "",
        "max_price": (
            format_money(pledge.max_price, currency) if pledge and pledge.max_price else ""
        ),
        "amount_due": (
            format_money(pledge.amount_due, currency) if pledge and pledge.amount_due else ""
        ),
        "pledge": pledge,
        "form": PledgeForm(initial=initial),
        "share_url": emails.share_url(pledge) if pledge is not None else None,
        "brought": selectors.referrals_of(pledge) if pledge is not None else 0,
        "accepting": campaign.is_open and timezone.now() < campaign.deadline and not campaign.owner,
        "is_member": membership is not None,
        "is_coordinator": membership is not None and can_manage(membership),
        "cancel_form": CancelForm(),
        "signup_url": reverse("account_signup") + "?" + urlencode({"next": here}),
        "login_url": reverse("account_login") + "?" + urlencode({"next": here}),
    }
    return render(request, "campaigns/detail.html", context)


@login_required
@require_POST
def pledge(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for_viewer(code=code)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(map(str, errors))}")
        return redirect("campaigns:detail", code=campaign.code)
    data = form.cleaned_data
    try:
        services.pledge_set(
            campaign=campaign,
            user=_user(request),
            quantity=data["quantity"],
            max_price=data["max_price"],
            referral_code=data["ref"] or "",
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your pledge is in. Share your link to bring the price down."))
    return redirect("campaigns:detail", code=campaign.code)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for_viewer(code=code)
    own = selectors.pledge_of(campaign, _user(request))
    if own is None:
        messages.error(request, _("You have no pledge in this campaign."))
        return redirect("campaigns:detail", code=campaign.code)
    try:
        services.pledge_withdraw(pledge=own, user=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your pledge is withdrawn; anything held is free again."))
    return redirect("campaigns:detail", code=campaign.code)


@login_required
@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    campaign = campaign_for_coordinator(code=code, user=request.user)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason and tick the confirmation to cancel."))
        return redirect("campaigns:detail", code=campaign.code)
    try:
        services.campaign_cancel(
            campaign=campaign, actor=_user(request), reason=form.cleaned_data["reason"]
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The campaign is cancelled; every pledger is told."))
    return redirect("campaigns:detail", code=campaign.code)
