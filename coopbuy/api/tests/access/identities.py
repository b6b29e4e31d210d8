"""People who act beyond a group's members: supplier users and organisation admins.

seed() makes the three callers the matrix adds beside group A's roles: `supplier_user` (acts for
group A's supplier, invited and accepted through the services), `organisation_admin` (runs an
organisation of their own) and `former_member` (left group A). None of them is a member of A:
each must be refused on every group-A operation. The organisation's address is `org_slug`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.catalog.models import Supplier, SupplierInvitation, SupplierUser
from coopbuy.catalog.supplier_users import supplier_invitation_accept, supplier_invitation_create
from coopbuy.groups.memberships import membership_leave
from coopbuy.groups.models import BuyingGroup
from coopbuy.organisations.models import Organisation, OrganisationAdmin
from coopbuy.organisations.services import organisation_create
from coopbuy.testing.factories import add_member, make_user

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /suppliers/mine": "signed_in",
    "GET /suppliers/{supplier_id}/purchase-orders": "supplier_user",
    "POST /groups/{slug}/suppliers/{supplier_id}/user-invitations": "coordinator",
    "GET /organisations/mine": "signed_in",
    "GET /organisations/{org_slug}": "organisation_admin",
    "GET /organisations/{org_slug}/admins": "organisation_admin",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /groups/{slug}/suppliers/{supplier_id}/user-invitations": {
        "email": "new.rep@farm.example"
    },
}


def seed(world: World) -> None:
    coordinator = world.people["coordinator"]
    supplier = Supplier.objects.get(pk=world.ids["supplier_id"])
    rep = make_user("Supplier user")
    invitation = supplier_invitation_create(supplier=supplier, actor=coordinator, email=rep.email)
    supplier_invitation_accept(code=invitation.code, user=rep)
    runner = make_user("Organisation admin")
    organisation = organisation_create(creator=runner, name="Mill Co-op", kind="employer")
    former = add_member(world.a, make_user("Former member"))
    membership_leave(membership=former, user=former.user)
    world.people.update(supplier_user=rep, organisation_admin=runner, former_member=former.user)
    world.scopes["org_slug"] = organisation.slug


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(
            SupplierUser.objects.filter(supplier__group=group)
            .order_by("pk")
            .values_list("user", "ended_at")
        ),
        SupplierInvitation.objects.filter(supplier__group=group).count(),
        list(Organisation.objects.order_by("pk").values_list("slug", "name")),
        list(OrganisationAdmin.objects.order_by("pk").values_list("user", "ended_at")),
    )
