"""Who may see and run an organisation: the only place these questions are answered.

Like `groups.permissions` for a group's roles and `catalog.permissions.supplier_for_user` for a
supplier's users, each helper takes the scope's address and the person, and returns the scope or
raises: an organisation the person does not run is *not found* (its existence is not revealed).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.organisations.models import Organisation, OrganisationAdmin


def admin_of(*, organisation: Organisation, user: User | AnonymousUser) -> OrganisationAdmin | None:
    if not user.is_authenticated:
        return None
    return OrganisationAdmin.objects.filter(
        organisation=organisation, user_id=user.pk, ended_at__isnull=True
    ).first()


def organisation_for_admin(
    *, slug: str, user: User | AnonymousUser
) -> tuple[Organisation, OrganisationAdmin]:
    """An organisation this person runs; any other is not found."""
    organisation = Organisation.objects.filter(slug=slug).first()
    admin = None if organisation is None else admin_of(organisation=organisation, user=user)
    if organisation is None or admin is None:
        raise Http404(_("There is no organisation at this address."))
    return organisation, admin


def organisations_for_admin(*, user: User | AnonymousUser) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(admins__user_id=user.pk, admins__ended_at__isnull=True)
        .distinct()
        .order_by("name", "pk")
    )


def require_admin(*, organisation: Organisation, user: User) -> OrganisationAdmin:
    """For services: the actor must run this very organisation."""
    admin = admin_of(organisation=organisation, user=user)
    if admin is None:
        raise PermissionDenied(_("Only the organisation's admins can do this."))
    return admin
