"""Who may see and run a tender: the only place these questions are answered.

- Organisers: a federation's coordinators for its tenders; a group's coordinators for the group's.
- Invited suppliers: the supplier users of a supplier invited to a published tender.
- Members: every active member of the owner's groups (the group, or the federation's member
  groups) once the tender is awarded or decided: they see the result and their expected saving.
Anyone else: not found (a tender's existence is not revealed). Nobody reads a bid's content
before the deadline; that rule is kept by `selectors.bids_for_award`, not here.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.catalog.permissions import supplier_for_user
from coopbuy.federations.models import FederationRole
from coopbuy.federations.permissions import member_groups, roles_of
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.tenders.models import Tender

Viewer = User | AnonymousUser
AFTER_AWARD = (Tender.Status.AWARDED, Tender.Status.CONFIRMED, Tender.Status.NOT_CONFIRMED)


def _not_found() -> Http404:
    return Http404(_("There is no tender at this address."))


def owner_groups(tender: Tender) -> list[BuyingGroup]:
    """The groups whose members the tender buys for."""
    if tender.group_id is not None:
        assert tender.group is not None
        return [tender.group]
    assert tender.federation is not None
    return member_groups(tender.federation)


def is_organiser(*, tender: Tender, user: Viewer) -> bool:
    if not user.is_authenticated:
        return False
    if tender.federation_id is not None:
        assert tender.federation is not None
        return FederationRole.Role.COORDINATOR in roles_of(federation=tender.federation, user=user)
    return (
        Membership.objects.active()
        .filter(group_id=tender.group_id, user_id=user.pk, role=Membership.Role.COORDINATOR)
        .exists()
    )


def _tender(tender_id: int) -> Tender:
    tender = Tender.objects.select_related("federation", "group").filter(pk=tender_id).first()
    if tender is None:
        raise _not_found()
    return tender


def tender_for_organiser(*, tender_id: int, user: Viewer) -> Tender:
    tender = _tender(tender_id)
    if not is_organiser(tender=tender, user=user):
        raise _not_found()
    return tender


def require_organiser(*, tender: Tender, user: User) -> None:
    """For services: only the tender's organisers run it."""
    if not is_organiser(tender=tender, user=user):
        raise PermissionDenied(_("Only the tender's organisers can do this."))


def tender_for_supplier(
    *, tender_id: int, supplier_id: int, user: Viewer
) -> tuple[Tender, Supplier]:
    """A published (or later) tender this supplier is invited to, for one of its users."""
    supplier = supplier_for_user(supplier_id=supplier_id, user=user)
    tender = _tender(tender_id)
    if (
        tender.status == Tender.Status.DRAFT
        or not tender.invitations.filter(supplier=supplier).exists()
    ):
        raise _not_found()
    return tender, supplier


def require_invited(*, tender: Tender, supplier: Supplier, user: User) -> None:
    """For services: the actor acts for `supplier`, which is invited to the tender."""
    acts = supplier.users.filter(user_id=user.pk, ended_at__isnull=True).exists()
    if not acts:
        raise PermissionDenied(_("You do not act for this supplier."))
    if not tender.invitations.filter(supplier=supplier).exists():
        raise PermissionDenied(_("This supplier is not invited to the tender."))


def member_membership(*, tender: Tender, user: Viewer) -> Membership | None:
    """The person's active membership in one of the owner's groups (the first by group name)."""
    if not user.is_authenticated:
        return None
    groups = [g.pk for g in owner_groups(tender)]
    return (
        Membership.objects.active()
        .filter(group_id__in=groups, user_id=user.pk)
        .select_related("group")
        .order_by("group__name", "pk")
        .first()
    )


def tender_for_member(*, tender_id: int, user: Viewer) -> tuple[Tender, Membership]:
    """An awarded (or decided) tender of one of the person's groups."""
    tender = _tender(tender_id)
    membership = member_membership(tender=tender, user=user)
    if membership is None or tender.status not in AFTER_AWARD:
        raise _not_found()
    return tender, membership
