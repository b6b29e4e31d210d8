"""Pages for supplier users: a coordinator invites people to act for a supplier, they accept,
and they find their suppliers under "My suppliers". (Their purchase orders are a rounds page.)"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.catalog.models import SupplierInvitation, SupplierUser
from coopbuy.catalog.permissions import supplier_for_coordinator, suppliers_for_user
from coopbuy.catalog.supplier_users import (
    supplier_invitation_accept,
    supplier_invitation_create,
    supplier_invitation_problem,
    supplier_user_end,
)
from coopbuy.errors import UserFacingError


class SupplierInvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address of the person to invite"))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def supplier_people(request: HttpRequest, slug: str, supplier_id: int) -> HttpResponse:
    """Coordinators: who acts for this supplier, open invitations, and a form to invite someone."""
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, supplier_id=supplier_id, user=request.user
    )
    form = SupplierInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = supplier_invitation_create(
                supplier=supplier, actor=_user(request), email=form.cleaned_data["email"]
            )
        except UserFacingError as error:
            form.add_error("email" if error.field == "email" else None, error.message)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("catalog:supplier_people", slug=group.slug, supplier_id=supplier.pk)
    context = {
        "group": group,
        "membership": membership,
        "supplier": supplier,
        "form": form,
        "people": SupplierUser.objects.filter(supplier=supplier, ended_at__isnull=True)
        .select_related("user")
        .order_by("added_at"),
        "invitations": [
            i
            for i in SupplierInvitation.objects.filter(supplier=supplier, accepted_at__isnull=True)
            if i.state() == "active"
        ],
    }
    return render(request, "catalog/supplier_people.html", context)


@login_required
@require_POST
def supplier_person_end(
    request: HttpRequest, slug: str, supplier_id: int, supplier_user_id: int
) -> HttpResponse:
    group, _membership, supplier = supplier_for_coordinator(
        slug=slug, supplier_id=supplier_id, user=request.user
    )
    person = get_object_or_404(
        SupplierUser.objects.select_related("user", "supplier__group"),
        pk=supplier_user_id,
        supplier=supplier,
        ended_at__isnull=True,
    )
    supplier_user_end(supplier_user=person, actor=_user(request))
    messages.success(
        request,
        _("%(user)s no longer acts for %(supplier)s.")
        % {"user": person.user.name, "supplier": supplier.name},
    )
    return redirect("catalog:supplier_people", slug=group.slug, supplier_id=supplier.pk)


def supplier_invitation(request: HttpRequest, code: str) -> HttpResponse:
    """Where the invitation email leads: see who invites you, sign in, accept."""
    invitation = (
        SupplierInvitation.objects.select_related("supplier__group", "created_by")
        .filter(code=code)
        .first()
    )
    problem = supplier_invitation_problem(invitation)
    if request.method == "POST" and not problem:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            supplier_invitation_accept(code=code, user=_user(request))
        except UserFacingError as error:
            problem = error.message
        else:
            assert invitation is not None
            messages.success(
                request,
                _("You now act for %(supplier)s.") % {"supplier": invitation.supplier.name},
            )
            return redirect("catalog:my_suppliers")
    status = 404 if invitation is None else 200
    return render(
        request,
        "catalog/supplier_invitation.html",
        {"invitation": invitation if invitation is not None else None, "problem": problem},
        status=status,
    )


@login_required
def my_suppliers(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalog/my_suppliers.html", {"suppliers": suppliers_for_user(user=request.user)}
    )
