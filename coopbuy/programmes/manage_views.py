"""Pages for an organisation's admins: domains, programmes, pickup points, the dashboard.

Everything is reached through `organisation_for_admin` / `programme_for_admin`; nothing here
names a member of a programme's group or shows one person's figures.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.programmes import claims, dashboard, selectors, services
from coopbuy.programmes.dashboard_charts import dashboard_charts
from coopbuy.programmes.forms import (
    DomainClaimForm,
    EndProgrammeForm,
    PickupPointForm,
    ProgrammeForm,
    ProgrammeSettingsForm,
    SponsorForm,
)
from coopbuy.programmes.models import DomainClaim, JoinCode, PickupPoint, SponsorshipOffer
from coopbuy.programmes.permissions import programme_for_admin
from coopbuy.subsidies.selectors import active_rules, fund_balance


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _fail(form: Form, error: UserFacingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def domains(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    form = DomainClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.domain_claim_create(
                organisation=organisation, actor=_user(request), **form.cleaned_data
            )
        except UserFacingError as error:
            _fail(form, error)
        else:
            messages.success(
                request,
                _("We sent a confirmation link to %(email)s.") % {"email": claim.proof_email},
            )
            return redirect("programmes:domains", slug=slug)
    return render(
        request,
        "programmes/domains.html",
        {"organisation": organisation, "claims": selectors.claims_of(organisation), "form": form},
    )


@login_required
@require_POST
def domain_end(request: HttpRequest, slug: str, claim_id: int) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    claim = get_object_or_404(DomainClaim, pk=claim_id, organisation=organisation)
    claims.domain_claim_end(claim=claim, actor=_user(request))
    messages.success(request, _("%(domain)s is no longer claimed.") % {"domain": claim.domain})
    return redirect("programmes:domains", slug=slug)


@login_required
def programmes(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    form = ProgrammeForm(request.POST if "coordinator_email" in request.POST else None)
    sponsor = SponsorForm(request.POST if "group_slug" in request.POST and not form.is_bound
                          else None)  # fmt: skip
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        coordinator = User.objects.filter(email__iexact=data["coordinator_email"]).first()
        if coordinator is None:
            form.add_error(
                "coordinator_email", _("Nobody has a coopbuy account with this address.")
            )
        else:
            try:
                programme = services.programme_create(
                    organisation=organisation,
                    actor=_user(request),
                    name=data["name"],
                    coordinator=coordinator,
                    group_slug=data["group_slug"],
                    allows_friends_and_family=data["allows_friends_and_family"],
                )
            except UserFacingError as error:
                _fail(form, error)
            else:
                messages.success(request, _("%(name)s is ready.") % {"name": programme.name})
                return redirect("programmes:manage", slug=slug, programme_id=programme.pk)
    if sponsor.is_bound and sponsor.is_valid():
        data = sponsor.cleaned_data
        group = BuyingGroup.objects.filter(slug=data["group_slug"]).first()
        if group is None:
            sponsor.add_error("group_slug", _("There is no group at this address."))
        else:
            try:
                services.sponsorship_offer(
                    organisation=organisation,
                    actor=_user(request),
                    group=group,
                    name=data["name"],
                    allows_friends_and_family=data["allows_friends_and_family"],
                )
            except UserFacingError as error:
                _fail(sponsor, error)
            else:
                messages.success(request, _("The group's coordinators can now accept."))
                return redirect("programmes:programmes", slug=slug)
    return render(
        request,
        "programmes/programmes.html",
        {
            "organisation": organisation,
            "programmes": selectors.programmes_of(organisation),
            "offers": selectors.offers_of(organisation),
            "form": form,
            "sponsor": sponsor,
        },
    )


@login_required
def manage(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    initial = {"name": programme.name,
               "allows_friends_and_family": programme.allows_friends_and_family}  # fmt: skip
    settings_form = ProgrammeSettingsForm(
        request.POST if "settings" in request.POST else None, initial=initial
    )
    point_form = PickupPointForm(request.POST if "address" in request.POST else None)
    if settings_form.is_bound and settings_form.is_valid():
        try:
            services.programme_update(
                programme=programme, actor=_user(request), **settings_form.cleaned_data
            )
        except UserFacingError as error:
            _fail(settings_form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:manage", slug=slug, programme_id=programme.pk)
    if point_form.is_bound and point_form.is_valid():
        try:
            services.pickup_point_add(
                programme=programme, actor=_user(request), **point_form.cleaned_data
            )
        except UserFacingError as error:
            _fail(point_form, error)
        else:
            messages.success(request, _("The pickup point is listed for members."))
            return redirect("programmes:manage", slug=slug, programme_id=programme.pk)
    return render(
        request,
        "programmes/manage.html",
        {
            "organisation": organisation,
            "programme": programme,
            "code": JoinCode.objects.filter(programme=programme).first(),
            "pickup_points": selectors.pickup_points(programme),
            "settings_form": settings_form,
            "point_form": point_form,
        },
    )


@login_required
@require_POST
def code_renew(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    _organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    services.join_code_renew(programme=programme, actor=_user(request))
    messages.success(request, _("The old code no longer works."))
    return redirect("programmes:manage", slug=slug, programme_id=programme.pk)


@login_required
@require_POST
def pickup_end(request: HttpRequest, slug: str, programme_id: int, point_id: int) -> HttpResponse:
    _organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    point = get_object_or_404(PickupPoint, pk=point_id, programme=programme)
    services.pickup_point_end(point=point, actor=_user(request))
    return redirect("programmes:manage", slug=slug, programme_id=programme.pk)


@login_required
def dashboard_page(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    board = dashboard.dashboard_of(programme)
    context = {
        "organisation": organisation,
        "programme": programme,
        "board": board,
        "charts": dashboard_charts(board),
    }
    return render(request, "programmes/dashboard.html", context)


@login_required
def dashboard_file(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    _organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    response = HttpResponse(
        dashboard.dashboard_csv(dashboard.dashboard_of(programme)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.csv"'
    return response


@login_required
def dashboard_workbook(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """The dashboard's cells as a workbook: the same aggregates as the CSV, floored alike."""
    _organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    response = HttpResponse(
        dashboard.dashboard_xlsx(dashboard.dashboard_of(programme)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}.xlsx"'
    return response


@login_required
def sponsorship(request: HttpRequest, slug: str, offer_id: int) -> HttpResponse:
    """A coordinator of the group answers an organisation's offer to sponsor it."""
    group, _membership = group_for_coordinator(slug=slug, user=request.user)
    offer = (
        SponsorshipOffer.objects.select_related("organisation")
        .filter(pk=offer_id, group=group)
        .first()
    )
    if offer is None:
        raise Http404(_("There is no such offer."))
    if request.method == "POST":
        try:
            services.sponsorship_decide(
                offer=offer, actor=_user(request), accept=request.POST.get("answer") == "accept"
            )
        except UserFacingError as error:
            messages.error(request, error.message)
        return redirect("groups:detail", slug=group.slug)
    return render(request, "programmes/sponsorship.html", {"group": group, "offer": offer})


@login_required
def programme_end(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    """End a programme, after a confirmation page that says what ending changes."""
    organisation, programme = programme_for_admin(
        org_slug=slug, programme_id=programme_id, user=request.user
    )
    form = EndProgrammeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and programme.ended_at is None:
        try:
            services.programme_end(
                programme=programme, actor=_user(request), confirm=form.cleaned_data["confirm"]
            )
        except UserFacingError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The programme has ended; its members are told by email."))
            return redirect("programmes:manage", slug=slug, programme_id=programme.pk)
    context = {
        "organisation": organisation,
        "programme": programme,
        "form": form,
        "fund_balance": fund_balance(organisation=organisation),
        "rules": len(active_rules(programme=programme)),
    }
    return render(request, "programmes/end.html", context)
