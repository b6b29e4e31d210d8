"""Pages anyone reaches: an organisation's public page, joining a programme, the links in the
emails (confirming a domain claim, verifying a work address)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.organisations.models import Programme
from coopbuy.organisations.permissions import admin_of
from coopbuy.programmes import claims, enrolment, selectors
from coopbuy.programmes.forms import CodeForm, WorkEmailForm
from coopbuy.programmes.permissions import (
    organisation_public,
    programme_for_joiner,
    programme_membership,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _form_error(form: WorkEmailForm | CodeForm, error: UserFacingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def public_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_public(slug=slug)
    return render(
        request,
        "programmes/public.html",
        {
            "organisation": organisation,
            "programmes": selectors.programmes_to_join(organisation),
            "is_admin": admin_of(organisation=organisation, user=request.user) is not None,
        },
    )


def _to_group(programme: Programme) -> HttpResponse:
    return redirect("groups:detail", slug=programme.group.slug)


@login_required
def join(request: HttpRequest, slug: str, programme_id: int) -> HttpResponse:
    organisation, programme = programme_for_joiner(org_slug=slug, programme_id=programme_id)
    email_form = WorkEmailForm(request.POST if "email" in request.POST else None)
    code_form = CodeForm(request.POST if "code" in request.POST else None)
    if request.method == "POST" and email_form.is_bound and email_form.is_valid():
        try:
            address = enrolment.enrolment_request(
                programme=programme, user=_user(request), email=email_form.cleaned_data["email"]
            )
        except UserFacingError as error:
            _form_error(email_form, error)
        else:
            messages.success(
                request,
                _("We sent a link to %(email)s: open it to join.") % {"email": address},
            )
            return redirect("programmes:join", slug=slug, programme_id=programme.pk)
    if request.method == "POST" and code_form.is_bound and code_form.is_valid():
        try:
            enrolment.enrolment_by_code(
                programme=programme, user=_user(request), **code_form.cleaned_data
            )
        except UserFacingError as error:
            _form_error(code_form, error)
        else:
            messages.success(request, _("Welcome to %(group)s.") % {"group": programme.group.name})
            return _to_group(programme)
    membership = programme_membership(programme=programme, user=request.user)
    return render(
        request,
        "programmes/join.html",
        {
            "organisation": organisation,
            "programme": programme,
            "membership": membership,
            "domains": selectors.confirmed_domains(organisation),
            "pickup_points": selectors.pickup_points(programme) if membership else [],
            "email_form": email_form,
            "code_form": code_form,
        },
    )


@login_required
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The work-email link: a page with one button (a mail scanner's GET changes nothing)."""
    problem, programme = None, None
    try:
        programme, user_id, address = enrolment.verification_of(token)
    except UserFacingError as error:
        problem, address = error.message, ""
    else:
        if user_id != _user(request).pk:  # another person's link: their address stays theirs
            raise PermissionDenied(
                _("This link was sent for another account: sign in as the person who asked.")
            )
    if request.method == "POST" and problem is None:
        try:
            enrolment.enrolment_verify(token=token, user=_user(request))
        except UserFacingError as error:
            problem = error.message
        else:
            assert programme is not None
            messages.success(request, _("Welcome to %(group)s.") % {"group": programme.group.name})
            return _to_group(programme)
    return render(
        request,
        "programmes/verify.html",
        {"programme": programme, "address": address, "problem": problem},
        status=400 if problem else 200,
    )


def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The domain-claim link: whoever reads mail at the domain confirms (no account needed)."""
    problem, claim = None, None
    try:
        claim = claims.claim_for_token(token)
    except UserFacingError as error:
        problem = error.message
    if request.method == "POST" and problem is None:
        try:
            actor = request.user if isinstance(request.user, User) else None
            claim = claims.domain_claim_confirm(token=token, actor=actor)
        except UserFacingError as error:
            problem = error.message
    return render(
        request,
        "programmes/claim_confirm.html",
        {"claim": claim, "problem": problem},
        status=400 if problem else 200,
    )
