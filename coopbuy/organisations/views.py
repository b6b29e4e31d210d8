"""Organisation pages: start one, and (for its admins) see it and add or remove admins."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.organisations import services
from coopbuy.organisations.models import Organisation, OrganisationAdmin
from coopbuy.organisations.permissions import organisation_for_admin, organisations_for_admin


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Organisation.Kind.choices)
    slug = forms.SlugField(
        label=gettext_lazy("Web address"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("Made from the name if left empty."),
    )
    description = forms.CharField(
        label=gettext_lazy("Public description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class ProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Organisation.Kind.choices)
    description = forms.CharField(
        label=gettext_lazy("Public description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class AdminForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address of a person with a coopbuy account"))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/mine.html",
        {"organisations": organisations_for_admin(user=request.user)},
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(creator=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s is ready.") % {"name": organisation.name})
            return redirect("organisations:detail", slug=organisation.slug)
    return render(request, "organisations/create.html", {"form": form})


@login_required
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    form = AdminForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            form.add_error(
                "email", _("Nobody has a coopbuy account with this address: ask them to sign up.")
            )
        else:
            try:
                services.organisation_admin_add(
                    organisation=organisation, actor=_user(request), user=person
                )
            except UserFacingError as error:
                form.add_error("email", error.message)
            else:
                messages.success(request, _("%(user)s is now an admin.") % {"user": person.name})
                return redirect("organisations:detail", slug=organisation.slug)
    admins = OrganisationAdmin.objects.filter(
        organisation=organisation, ended_at__isnull=True
    ).select_related("user")
    return render(
        request,
        "organisations/detail.html",
        {"organisation": organisation, "admins": admins, "form": form},
    )


@login_required
@require_POST
def admin_remove(request: HttpRequest, slug: str, admin_id: int) -> HttpResponse:
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    target = get_object_or_404(
        OrganisationAdmin.objects.select_related("user", "organisation"),
        pk=admin_id,
        organisation=organisation,
        ended_at__isnull=True,
    )
    try:
        services.organisation_admin_end(admin=target, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(user)s is no longer an admin.") % {"user": target.user.name})
    if target.user_id == request.user.pk and target.ended_at is not None:
        return redirect("organisations:mine")
    return redirect("organisations:detail", slug=organisation.slug)


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An admin edits the public profile (name, kind, description)."""
    organisation, _admin = organisation_for_admin(slug=slug, user=request.user)
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "description": organisation.description,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=_user(request), **form.cleaned_data
            )
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisations:detail", slug=organisation.slug)
    return render(request, "organisations/edit.html", {"organisation": organisation, "form": form})
