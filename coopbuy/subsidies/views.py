"""The organisation admins' pages: subsidy fund, rules, monthly statement and payroll.

Thin views over `services`, `selectors` and `payroll`; anyone who does not run the organisation
gets *not found* (`organisation_for_admin`, `programme_for_admin`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.core.privacy import SMALL_COUNT_FLOOR
from coopbuy.errors import UserFacingError
from coopbuy.organisations.models import Programme
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.subsidies import payroll, selectors, services
from coopbuy.subsidies.forms import MonthForm, ReturnForm, RuleForm, TopUpForm
from coopbuy.subsidies.models import SubsidyRule
from coopbuy.subsidies.permissions import programme_for_admin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _show(form: forms.Form, error: UserFacingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def fund(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    giving_back = "back-give_back" in request.POST
    form = TopUpForm(request.POST if request.method == "POST" and not giving_back else None)
    return_form = ReturnForm(request.POST if giving_back else None)
    if giving_back and return_form.is_valid():
        try:
            services.fund_return(
                organisation=organisation,
                amount=return_form.cleaned_data["amount"],
                actor=_user(request),
                idempotency_key=f"web-fund-return-{return_form.cleaned_data['key']}",
                reference=return_form.cleaned_data["reference"],
            )
        except UserFacingError as error:
            _show(return_form, error)
        else:
            messages.success(request, _("The money is back in your bank account's books."))
            return redirect("subsidies:fund", slug=organisation.slug)
    if form.is_bound and form.is_valid():
        try:
            services.fund_top_up(
                organisation=organisation,
                amount=form.cleaned_data["amount"],
                actor=_user(request),
                idempotency_key=f"web-top-up-{form.cleaned_data['key']}",
                reference=form.cleaned_data["reference"],
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            messages.success(request, _("The top-up is recorded."))
            return redirect("subsidies:fund", slug=organisation.slug)
    context: dict[str, Any] = {
        "organisation": organisation,
        "balance": selectors.fund_balance(organisation=organisation),
        "top_ups": selectors.top_ups(organisation=organisation)[:20],
        "programmes": Programme.objects.filter(organisation=organisation).order_by("name", "pk"),
        "form": form,
        "return_form": return_form,
    }
    return render(request, "subsidies/fund.html", context)


@login_required
def rules(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    programme = programme_for_admin(org_slug=slug, programme_id=programme_id, user=request.user)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subsidy_rule_create(
                programme=programme, actor=_user(request), **form.cleaned_data
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            messages.success(request, _("The rule is added."))
            return redirect("subsidies:rules", slug=slug, programme_id=programme.pk)
    name = programme.organisation.name
    listed = [
        (rule, services.rule_sentence(rule, name))
        for rule in SubsidyRule.objects.filter(programme=programme).order_by("pk")
    ]
    return render(
        request,
        "subsidies/rules.html",
        {
            "organisation": programme.organisation,
            "programme": programme,
            "rules": listed,
            "form": form,
        },
    )


@login_required
@require_POST
def rule_end(request: HttpRequest, slug: str, programme_id: int, rule_id: int) -> HttpResponse:
    programme = programme_for_admin(org_slug=slug, programme_id=programme_id, user=request.user)
    rule = SubsidyRule.objects.filter(programme=programme, pk=rule_id).first()
    if rule is None:
        raise Http404(_("There is no such rule."))
    services.subsidy_rule_end(rule=rule, actor=_user(request))
    messages.success(request, _("The rule is ended: rounds closed from now on are not paid by it."))
    return redirect("subsidies:rules", slug=slug, programme_id=programme.pk)


@login_required
def statement(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    return render(
        request,
        "subsidies/statement.html",
        {
            "organisation": organisation,
            "months": selectors.employer_statement(organisation=organisation),
            "floor": SMALL_COUNT_FLOOR,
        },
    )


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return f"{previous:%Y-%m}"


@login_required
def payroll_page(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    programme = programme_for_admin(org_slug=slug, programme_id=programme_id, user=request.user)
    form = MonthForm(request.GET if "month" in request.GET else {"month": _last_month()})
    export = None
    if form.is_valid():
        try:
            month = payroll.parse_month(form.cleaned_data["month"])
            export = payroll.payroll_export(programme=programme, month=month, actor=_user(request))
        except UserFacingError as error:
            _show(form, error)
    return render(
        request,
        "subsidies/payroll.html",
        {
            "organisation": programme.organisation,
            "programme": programme,
            "form": form,
            "export": export,
        },
    )


@login_required
def payroll_file(
    request: HttpRequest, slug: str, programme_id: int, month: str, format: str
) -> HttpResponse:
    programme = programme_for_admin(org_slug=slug, programme_id=programme_id, user=request.user)
    if format not in ("csv", "xlsx"):
        raise Http404(_("The file is CSV or XLSX."))
    try:
        export = payroll.payroll_export(
            programme=programme, month=payroll.parse_month(month), actor=_user(request)
        )
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect("subsidies:payroll", slug=slug, programme_id=programme.pk)
    name = f"payroll-{programme.organisation.slug}-{export.period}.{format}"
    if format == "csv":
        response = HttpResponse(payroll.export_csv(export), content_type="text/csv")
    else:
        response = HttpResponse(payroll.export_xlsx(export), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
@require_POST
def payroll_run(request: HttpRequest, slug: str, programme_id: int, month: str) -> HttpResponse:
    programme = programme_for_admin(org_slug=slug, programme_id=programme_id, user=request.user)
    try:
        payroll.payroll_run_record(
            programme=programme, month=payroll.parse_month(month), actor=_user(request)
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The payroll run is recorded."))
    url = redirect("subsidies:payroll", slug=slug, programme_id=programme.pk)
    url["Location"] += f"?month={month}"
    return url
