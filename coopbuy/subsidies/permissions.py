"""Who may run a programme's subsidies and payroll, and who may undo a round's subsidy.

An organisation's admins run its fund, rules, statement and payroll export (any other person:
*not found*, as `organisations.permissions.organisation_for_admin`). An employee manages only
their own payroll consent, through their membership of the programme's group.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.permissions import MONEY_ROLES, membership_of
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.permissions import admin_of, organisation_for_admin


def programme_for_admin(
    *, org_slug: str, programme_id: int, user: User | AnonymousUser
) -> Programme:
    """A programme of an organisation this person runs; any other is not found."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=user)
    programme = (
        Programme.objects.filter(organisation=organisation, pk=programme_id)
        .select_related("organisation", "group")
        .first()
    )
    if programme is None:
        raise Http404(_("There is no such programme."))
    return programme


def programme_of_group(*, group_id: int) -> Programme | None:
    """The running programme of a buying group, if it has one."""
    return (
        Programme.objects.filter(group_id=group_id, ended_at__isnull=True)
        .select_related("organisation", "group")
        .first()
    )


def last_programme_of_group(*, group_id: int) -> Programme | None:
    """The group's programme, running or ended (a group has at most one)."""
    return (
        Programme.objects.filter(group_id=group_id)
        .select_related("organisation", "group")
        .order_by("-pk")
        .first()
    )


def require_organisation_admin(*, organisation: Organisation, user: User) -> None:
    if admin_of(organisation=organisation, user=user) is None:
        raise PermissionDenied(_("Only the organisation's admins can do this."))


def require_subsidy_undoer(*, programme: Programme, user: User) -> None:
    """A round's subsidy may be undone by the organisation's admins or the group's treasurers."""
    if admin_of(organisation=programme.organisation, user=user) is not None:
        return
    membership = membership_of(group=programme.group, user=user)
    if membership is None or membership.role not in MONEY_ROLES:
        raise PermissionDenied(
            _("Only the organisation's admins or the group's treasurers can undo a subsidy.")
        )
