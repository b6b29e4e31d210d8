"""The Pennine Food Federation: the three demo groups pooling their orders.

Hebden Bridge's coordinator runs it and Hebden Bridge's treasurer keeps its book; the three groups
applied and were approved (markups 0 %, 2 % and 5 %); Hebden Bridge shares its supplier with the
most products; Hebden Bridge has paid a float into the federation's book. Through the services,
idempotent: the federation is found by its slug (another area's seed may have started it) and only
what is missing is added.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.federations import selectors
from coopbuy.federations.membership import (
    federation_application_approve,
    federation_apply,
    federation_markup_set,
)
from coopbuy.federations.models import Federation, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.services import federation_create, federation_role_add
from coopbuy.federations.sharing import federation_supplier_share
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.models import Account
from coopbuy.ledger.services import system_account
from coopbuy.ledger.transfers import ledger_transfer

from .people import GROUPS

SLUG = "pennine-food"
NAME = "Pennine Food Federation"
DESCRIPTION = (
    "Buying groups pooling their wholesale orders so that cases fill and the free-delivery "
    "threshold is reached together. Each group keeps its own members, money and markup."
)
MARKUPS = (Decimal("0"), Decimal("0.02"), Decimal("0.05"))
FLOAT = Decimal("60.00")


def _first(group: BuyingGroup, role: str) -> User | None:
    found = (
        Membership.objects.active()
        .filter(group=group, role=role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return found.user if found is not None else None


def _role(federation: Federation, user: User, role: str) -> None:
    if FederationRole.objects.filter(
        federation=federation, user=user, role=role, ended_at__isnull=True
    ).exists():
        return
    actor = (
        FederationRole.objects.filter(
            federation=federation, role=FederationRole.Role.COORDINATOR, ended_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if actor is not None:
        federation_role_add(federation=federation, actor=actor.user, email=user.email, role=role)


def seed_federations() -> list[tuple[str, str]]:
    """Returns the logins to print (none if the demo groups are missing)."""
    groups = [BuyingGroup.objects.filter(slug=spec.slug).first() for spec in GROUPS]
    first = groups[0]
    if first is None:
        return []
    coordinator = _first(first, Membership.Role.COORDINATOR)
    treasurer = _first(first, Membership.Role.TREASURER)
    if coordinator is None or treasurer is None:
        return []
    federation = Federation.objects.filter(slug=SLUG).first() or federation_create(
        creator=coordinator, name=NAME, slug=SLUG, description=DESCRIPTION
    )
    _role(federation, coordinator, FederationRole.Role.COORDINATOR)
    _role(federation, treasurer, FederationRole.Role.TREASURER)
    for group, markup in zip(groups, MARKUPS, strict=True):
        group_coordinator = _first(group, Membership.Role.COORDINATOR) if group else None
        if group is None or group_coordinator is None:
            continue
        row = selectors.current_row(federation=federation, group=group)
        if row is None:
            row = federation_apply(
                federation=federation,
                group=group,
                actor=group_coordinator,
                message=f"{group.name} would like to pool its wholesale orders.",
            )
        if row.status == row.Status.APPLIED:
            row = federation_application_approve(application=row, actor=coordinator)
        if row.markup_rate != markup:
            federation_markup_set(
                federation=federation, group=group, actor=group_coordinator, markup_rate=markup
            )
    supplier = (
        Supplier.objects.filter(group=first, is_active=True)
        .annotate(n=Count("products", filter=Q(products__is_available=True)))
        .order_by("-n", "pk")
        .first()
    )
    if (
        supplier is not None
        and not Shared.objects.filter(
            federation=federation, supplier=supplier, ended_at__isnull=True
        ).exists()
    ):
        federation_supplier_share(federation=federation, supplier=supplier, actor=coordinator)
    bank, _created = Account.objects.get_or_create(
        book=federation.book, kind=Account.Kind.BANK, defaults={"name": "Federation bank"}
    )
    ledger_transfer(
        paying=system_account(first, Account.Kind.BANK),
        receiving=bank,
        amount=FLOAT,
        description="Float for the pooled delivery charges",
        actor=treasurer,
        idempotency_key="demo-federation-float",
    )
    return [(coordinator.email, f"coordinator of the {federation.name} (/f/{federation.slug}/)")]
