"""Test worlds with federations: a federation and its member groups, made through the services."""

from __future__ import annotations

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.federations.models import Federation, FederationGroup
from coopbuy.federations.services import federation_create
from coopbuy.groups.models import BuyingGroup
from coopbuy.testing.factories import make_group, make_user


def make_federation(
    *groups: BuyingGroup, coordinator: User | None = None, name: str = "Valley Federation"
) -> Federation:
    """A federation run by `coordinator` whose members are `groups` (two new ones if none)."""
    coordinator = coordinator or make_user("Fay Federation")
    federation = federation_create(creator=coordinator, name=name)
    for group in groups or (make_group(), make_group()):
        FederationGroup.objects.create(
            federation=federation,
            group=group,
            status=FederationGroup.Status.MEMBER,
            decided_at=timezone.now(),
            decided_by=coordinator,
        )
    return federation
