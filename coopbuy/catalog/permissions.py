"""Who may see and manage a group's suppliers and catalogues.

Built on `coopbuy.groups.permissions`: members of a group see its suppliers and products (they
browse them to order); coordinators manage them. Objects are always looked up inside the group of
the URL, so another group's supplier id is *not found*, whoever asks.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.catalog.models import CatalogImport, Product, Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import (
    group_for_coordinator,
    group_for_member,
    require_coordinator,
)

Viewer = User | AnonymousUser


def supplier_for_member(
    *, slug: str, user: Viewer, supplier_id: int
) -> tuple[BuyingGroup, Membership, Supplier]:
    group, membership = group_for_member(slug=slug, user=user)
    return group, membership, get_object_or_404(Supplier, pk=supplier_id, group=group)


def supplier_for_coordinator(
    *, slug: str, user: Viewer, supplier_id: int
) -> tuple[BuyingGroup, Membership, Supplier]:
    group, membership = group_for_coordinator(slug=slug, user=user)
    return group, membership, get_object_or_404(Supplier, pk=supplier_id, group=group)


def product_for_coordinator(
    *, slug: str, user: Viewer, supplier_id: int, product_id: int
) -> tuple[BuyingGroup, Membership, Supplier, Product]:
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, user=user, supplier_id=supplier_id
    )
    return group, membership, supplier, get_object_or_404(Product, pk=product_id, supplier=supplier)


def import_for_coordinator(
    *, slug: str, user: Viewer, supplier_id: int, import_id: int
) -> tuple[BuyingGroup, Membership, Supplier, CatalogImport]:
    group, membership, supplier = supplier_for_coordinator(
        slug=slug, user=user, supplier_id=supplier_id
    )
    catalog_import = get_object_or_404(CatalogImport, pk=import_id, supplier=supplier)
    return group, membership, supplier, catalog_import


def require_catalog_manager(*, group: BuyingGroup, user: User) -> Membership:
    """For services: only the group's coordinators change its suppliers and catalogues."""
    return require_coordinator(group=group, user=user)


# Supplier users: people who act for a supplier, not members of its group --------------------------


def suppliers_for_user(*, user: Viewer) -> list[Supplier]:
    """The suppliers this person acts for now (none for anyone signed out)."""
    if not user.is_authenticated:
        return []
    return list(
        Supplier.objects.filter(users__user_id=user.pk, users__ended_at__isnull=True)
        .select_related("group")
        .order_by("name", "pk")
    )


def supplier_for_user(*, supplier_id: int, user: Viewer) -> Supplier:
    """A supplier this person acts for; any other supplier is *not found* (its existence is not
    revealed, as for a private group)."""
    if not user.is_authenticated:
        raise Http404(_("There is no such supplier."))
    found = (
        Supplier.objects.filter(
            pk=supplier_id, users__user_id=user.pk, users__ended_at__isnull=True
        )
        .select_related("group")
        .first()
    )
    if found is None:
        raise Http404(_("There is no such supplier."))
    return found
