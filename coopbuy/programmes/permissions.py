"""Who may see and run a programme: the only place these questions are answered.

An organisation's admins run its programmes (through `organisation_for_admin`: an organisation
the person does not run is not found). Running a programme gives no role in its group: the group's
members, baskets and balances stay with the group's own roles (`coopbuy.groups.permissions`), so
an admin sees the group's members only if someone also named them its coordinator.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import membership_of
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.permissions import organisation_for_admin


class ProgrammeNotFound(Http404):
    pass


def _programme(organisation: Organisation, programme_id: int) -> Programme:
    programme = (
        Programme.objects.select_related("group", "organisation")
        .filter(organisation=organisation, pk=programme_id)
        .first()
    )
    if programme is None:
        raise ProgrammeNotFound(_("There is no such programme."))
    return programme


def programme_for_admin(
    *, org_slug: str, programme_id: int, user: User | AnonymousUser
) -> tuple[Organisation, Programme]:
    """A programme of an organisation this person runs; any other is not found."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=user)
    return organisation, _programme(organisation, programme_id)


def organisation_public(*, slug: str) -> Organisation:
    """Any organisation's public page (its name, description and programmes)."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise Http404(_("There is no organisation at this address."))
    return organisation


def programme_for_joiner(*, org_slug: str, programme_id: int) -> tuple[Organisation, Programme]:
    """A programme anyone may ask to join (if it has not ended)."""
    organisation = organisation_public(slug=org_slug)
    programme = _programme(organisation, programme_id)
    if programme.ended_at is not None:
        raise ProgrammeNotFound(_("This programme has ended."))
    return organisation, programme


def programme_membership(*, programme: Programme, user: User | AnonymousUser) -> Membership | None:
    """The person's active membership of the programme's group (members see its pickup points)."""
    return membership_of(group=programme.group, user=user)
