"""Federations: a federation run by group A's coordinator (its treasurer keeps the federation's
book), with group A a member; group B is not. The list and one federation are public (A, private,
only counted); the rest is for the federation's runners or the people of its member groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.catalog.models import Supplier
from coopbuy.federations.membership import federation_apply
from coopbuy.federations.models import (
    Federation,
    FederationGroup,
    FederationRole,
    FederationSupplier,
)
from coopbuy.federations.services import federation_create, federation_role_add
from coopbuy.federations.sharing import federation_supplier_share
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Transaction, Transfer
from coopbuy.testing.factories import coordinator_of, make_group

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

F = "/federations/{fed_slug}"
ACCESS = {
    "GET /federations": "anyone",
    "POST /federations": "own_write",
    f"GET {F}": "anyone",
    f"GET {F}/applications": "coordinator",
    f"POST {F}/applications/{{application_id}}/approve": "coordinator",
    f"POST {F}/applications/{{application_id}}/refuse": "coordinator",
    f"POST {F}/groups/{{slug}}/apply": "coordinator",
    f"POST {F}/groups/{{slug}}/leave": "coordinator",
    f"PUT {F}/groups/{{slug}}/markup": "coordinator",
    f"POST {F}/groups/{{slug}}/payments": "money",  # the group's treasurers and coordinators
    f"GET {F}/roles": "member",
    f"POST {F}/roles": "coordinator",
    f"POST {F}/roles/{{role_id}}/end": "coordinator",
    f"GET {F}/suppliers": "member",
    f"POST {F}/suppliers": "coordinator",
    f"POST {F}/suppliers/{{shared_supplier_id}}/end": "coordinator",
    f"GET {F}/book": "money",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /federations": {"name": "Another Federation"},
    f"POST {F}/applications/{{application_id}}/refuse": {"reason": "Too far away"},
    f"POST {F}/groups/{{slug}}/apply": {"message": "Hello"},
    f"PUT {F}/groups/{{slug}}/markup": {"markup_rate": "0.05"},
    f"POST {F}/groups/{{slug}}/payments": {"amount": "1.00", "method": "bank"},
    f"POST {F}/roles": {"email": "nobody@example.org", "role": "treasurer"},
    f"POST {F}/suppliers": {"supplier_id": 1},  # group A's supplier or not: 201 or 422
}


def seed(world: World) -> None:
    coordinator = world.people["coordinator"]
    federation = federation_create(creator=coordinator, name="Pennine Food")
    FederationGroup.objects.create(
        federation=federation, group=world.a, status=FederationGroup.Status.MEMBER,
        decided_at=timezone.now(), decided_by=coordinator,
    )  # fmt: skip
    role = federation_role_add(
        federation=federation, actor=coordinator, email=world.people["treasurer"].email,
        role="treasurer",
    )  # fmt: skip
    shared = federation_supplier_share(
        federation=federation,
        supplier=Supplier.objects.get(pk=world.ids["supplier_id"]),
        actor=coordinator,
    )
    c = make_group(name="Group C")
    application = federation_apply(federation=federation, group=c, actor=coordinator_of(c))
    world.ids.update(application_id=application.pk, role_id=role.pk, shared_supplier_id=shared.pk)
    world.scopes["fed_slug"] = federation.slug


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(Federation.objects.order_by("pk").values_list("slug", "name")),
        list(
            FederationGroup.objects.order_by("pk").values_list(
                "group", "status", "markup_rate", "refusal_reason"
            )
        ),
        list(FederationRole.objects.order_by("pk").values_list("user", "role", "ended_at")),
        list(FederationSupplier.objects.order_by("pk").values_list("supplier", "ended_at")),
        list(Transfer.objects.order_by("pk").values_list("from_book", "to_book", "amount")),
        list(
            Transaction.objects.filter(book__group__isnull=True)
            .order_by("pk")
            .values_list("book", "kind", "idempotency_key")
        ),
    )
