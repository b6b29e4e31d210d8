"""A coordinator demoted just before or just after a catalogue service's own check (issue 15).

Editing a product and applying a price list check the actor's role inside the transaction and keep
their membership row locked until it commits; a role change locks the same row. A demotion just
before the check is seen ("You are no longer a coordinator ...", the catalogue unchanged); one
just after it waits for the edit to commit. PostgreSQL only (`coopbuy.testing.races`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

import pytest
from django.db import connection

from coopbuy.accounts.models import User
from coopbuy.catalog import import_services, services
from coopbuy.catalog.models import CatalogImport, Product, Supplier
from coopbuy.groups.memberships import membership_change_role
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.races import (
    assert_revoked_just_after_the_check_waits_for_the_commit,
    assert_revoked_just_before_the_check_changes_nothing,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]

PRICE_LIST = (
    b"SKU,Name,Case Size,Unit_Price\nOAT-25,Porridge oats,6,2.40\nLEN-R,Red lentils,12,1.45\n"
)


@dataclass
class World:
    group: BuyingGroup
    cora: User  # coordinates, and demotes Carl
    carl: Membership  # the coordinator editing
    supplier: Supplier
    oats: Product
    price_list: CatalogImport


def _world() -> World:
    cora = make_user("Cora")
    group = make_group(cora)
    carl = add_member(group, make_user("Carl"), role="coordinator")
    supplier = services.supplier_create(group=group, actor=cora, name="Suma")
    oats = services.product_save(supplier=supplier, actor=cora, sku="OAT-25", name="Porridge oats",
                                 case_size=6, unit_price=Decimal("2.15"))  # fmt: skip
    price_list = services.catalog_import_preview(
        supplier=supplier, actor=cora, filename="list.csv", content=PRICE_LIST
    )
    assert price_list.errors == []
    return World(group, cora, carl, supplier, oats, price_list)


def _catalogue() -> list[tuple[object, ...]]:
    return list(Product.objects.order_by("pk").values_list("sku", "name", "unit_price"))


@dataclass(frozen=True)
class Case:
    module: ModuleType  # where the service looks its check up
    act: Callable[[World], object]  # Carl does it
    effect: Callable[[World], bool]  # whether the catalogue changed


CASES = {
    "product edit": Case(
        services,
        lambda w: services.product_update(product=w.oats, actor=w.carl.user, name="Jumbo oats"),
        lambda w: Product.objects.filter(name="Jumbo oats").exists(),
    ),
    "price list apply": Case(
        import_services,
        lambda w: services.catalog_import_apply(catalog_import=w.price_list, actor=w.carl.user),
        lambda w: (
            Product.objects.filter(sku="LEN-R").exists()
            or CatalogImport.objects.get(pk=w.price_list.pk).status == CatalogImport.Status.APPLIED
        ),
    ),
}


def _demote(w: World) -> Callable[[], object]:
    return lambda: membership_change_role(membership=w.carl, actor=w.cora, role="member")


@pytest.mark.parametrize("name", CASES)
def test_a_coordinator_demoted_just_before_the_services_check_leaves_the_catalogue_alone(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], _world()
    before = _catalogue()
    assert_revoked_just_before_the_check_changes_nothing(
        monkeypatch, case.module, "require_catalog_manager",
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
        refusal=AccessDenied, match=f"You are no longer a coordinator of {w.group.name}",
    )  # fmt: skip
    assert _catalogue() == before


@pytest.mark.parametrize("name", CASES)
def test_a_demotion_just_after_the_services_check_waits_until_the_edit_has_committed(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], _world()
    assert_revoked_just_after_the_check_waits_for_the_commit(
        monkeypatch, case.module, "require_catalog_manager",
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
    )  # fmt: skip
    assert Membership.objects.get(pk=w.carl.pk).role == "member"
