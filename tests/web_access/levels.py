"""Who may use each web page on group A's objects (see `tests/test_web_authorization.py`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from coopbuy.catalog.models import Product, SupplierUser
from coopbuy.organisations.models import OrganisationAdmin

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

# The levels: who among the roles of `tests/test_web_authorization.py` may use the page on group
# A's objects (A is private and joins by approval; B is public next door):
#   anyone             - also signed out
#   signed_in          - anyone signed in (pages about the caller only)
#   joiner             - signed in and not yet a member of A (an invitation's code is the secret)
#   member             - A's members, any role
#   money              - A's treasurers and coordinators
#   coordinator        - A's coordinators
#   supplier_user      - the people who act for A's supplier
#   organisation_admin - the admins of the organisation in the path
#   link_holder        - the outsider only: a personal link (a work-email enrolment) was sent for
#                        their account; others holding it are refused
#   nobody             - no role: the page needs something the world gives none of them (another
#                        person's suggestion, a code nobody holds); all must be refused
# A page whose methods differ maps each method ("GET"/"POST") to its level.
ROLES_AT = {
    "anyone": {"anonymous", "outsider", "member", "treasurer", "coordinator", "coordinator_b",
               "supplier_user", "organisation_admin", "former_member", "platform_admin"},
    "member": {"member", "treasurer", "coordinator"},
    "money": {"treasurer", "coordinator"},
    "coordinator": {"coordinator"},
    "supplier_user": {"supplier_user"},
    "organisation_admin": {"organisation_admin"},
    "nobody": set(),
}  # fmt: skip
ROLES_AT["signed_in"] = ROLES_AT["anyone"] - {"anonymous"}
ROLES_AT["joiner"] = ROLES_AT["signed_in"] - ROLES_AT["member"]
ROLES_AT["link_holder"] = {"outsider"}
LINK_HOLDER = "link_holder"

_ = "anyone signed_in joiner member money coordinator supplier_user organisation_admin nobody"
ANYONE, SIGNED_IN, JOINER, MEMBER, MONEY, COORDINATOR, SUPPLIER, ORG_ADMIN, NOBODY = _.split()

BASE_LEVELS: dict[str, str | dict[str, str]] = {
    "accounts:profile": SIGNED_IN,
    "catalog:suppliers": MEMBER,
    "catalog:supplier_create": COORDINATOR,
    "catalog:supplier": MEMBER,
    "catalog:supplier_edit": COORDINATOR,
    "catalog:supplier_archive": COORDINATOR,
    "catalog:product_create": COORDINATOR,
    "catalog:product_edit": COORDINATOR,
    "catalog:product_availability": COORDINATOR,
    "catalog:product_image": COORDINATOR,
    "catalog:import_upload": COORDINATOR,
    "catalog:import_preview": COORDINATOR,
    "catalog:import_confirm": COORDINATOR,
    "catalog:export": MEMBER,
    "catalog:supplier_people": COORDINATOR,
    "catalog:supplier_person_end": COORDINATOR,
    "catalog:my_suppliers": SIGNED_IN,
    "catalog:supplier_invitation": NOBODY,  # the code is the secret; the world holds none
    "rounds:supplier_orders": SUPPLIER,
    "rounds:list": MEMBER,
    "rounds:announcement_settings": MEMBER,
    "rounds:unsubscribe": NOBODY,  # the signed link is the secret; the world holds none
    "rounds:create": COORDINATOR,
    "rounds:detail": MEMBER,
    "rounds:order": MEMBER,
    "rounds:order_suppliers": MEMBER,
    "rounds:basket": MEMBER,
    "rounds:purchase_order": COORDINATOR,
    "rounds:deadline": COORDINATOR,
    "rounds:wanted_by": COORDINATOR,
    "rounds:budget": MEMBER,
    "rounds:repeat": COORDINATOR,
    "rounds:receive": COORDINATOR,
    "rounds:receive_done": COORDINATOR,
    "rounds:pick_lists": COORDINATOR,
    "rounds:collection": COORDINATOR,
    "rounds:collect": NOBODY,  # A's plain member has nothing to collect in the seeded round
    "rounds:action": COORDINATOR,
    "campaigns:open": ANYONE,
    "campaigns:detail": ANYONE,  # whoever holds the code
    "campaigns:pledge": SIGNED_IN,
    "campaigns:withdraw": SIGNED_IN,
    "campaigns:cancel": COORDINATOR,
    "campaigns:group": MEMBER,
    "campaigns:create": COORDINATOR,
    "ledger:account": MEMBER,
    "ledger:account_detail": MONEY,  # the seeded account is not the plain member's own
    "ledger:statement": MONEY,
    "ledger:statement_pdf": MONEY,
    "ledger:invoice_pdf": MONEY,
    "ledger:overview": MONEY,
    "ledger:top_up": MONEY,
    "ledger:refund": MONEY,
    "ledger:adjust": MONEY,
    "ledger:write_off": COORDINATOR,
    "ledger:transactions": MONEY,
    "ledger:reverse": MONEY,
    "ledger:settings": MONEY,
    "ledger:suppliers": MONEY,
    "ledger:export_csv": MONEY,
    "ledger:statement_upload": MONEY,
    "ledger:statement_mapping": MONEY,
    "ledger:statement_review": MONEY,
    "ledger:statement_confirm": MONEY,
    "ledger:statement_line": MONEY,
    "reports:group": MEMBER,
    "reports:group_file": MEMBER,
    "reports:me": MEMBER,
    "reports:me_file": MEMBER,
    "reports:suppliers_file": MEMBER,
    "organisations:mine": SIGNED_IN,
    "organisations:create": SIGNED_IN,
    "organisations:detail": ORG_ADMIN,
    "organisations:admin_remove": ORG_ADMIN,
    "groups:find": ANYONE,
    "groups:create": SIGNED_IN,
    "groups:mine": SIGNED_IN,
    "groups:invitation_code": ANYONE,
    "groups:invitation": {"GET": ANYONE, "POST": JOINER},
    "groups:suggestion_start": NOBODY,  # the seeded suggestion is someone else's
    "groups:detail": MEMBER,
    "groups:join": MEMBER,  # A is private: outsiders do not see it to ask
    "groups:withdraw_request": MEMBER,
    "groups:leave": MEMBER,
    "groups:members": MEMBER,
    "groups:member_role": COORDINATOR,
    "groups:member_remove": COORDINATOR,
    "groups:join_request_decide": COORDINATOR,
    "groups:invitations": COORDINATOR,
    "groups:invitation_revoke": COORDINATOR,
    "groups:settings": COORDINATOR,
    "groups:activity": COORDINATOR,
    "interest:mine": SIGNED_IN,
    "interest:delete": SIGNED_IN,
    "interest:suggestion_answer": NOBODY,  # the seeded suggestion is someone else's
    "web:home": ANYONE,
    "web:health": ANYONE,
    "web:group_now": MEMBER,
    "web:ready": ANYONE,
    "web:product_image": ANYONE,  # a product picture, under a random name
}


def levels() -> dict[str, str | dict[str, str]]:
    """Every page's level: the base pages' here, then each area's (`tests/web_access/__init__`)."""
    from tests.web_access import areas

    found = dict(BASE_LEVELS)
    for area in areas():
        found.update(area.LEVELS)
    return found


def parameters(world: World) -> dict[str, object]:
    """Group A's objects for each path parameter; `name.param` overrides for one page."""
    from tests.web_access import areas

    values = _base_parameters(world)
    for area in areas():
        values.update(area.parameters(world))
    return values


def _base_parameters(world: World) -> dict[str, object]:
    supplier_user = SupplierUser.objects.filter(supplier_id=world.ids["supplier_id"]).first()
    org_admin = OrganisationAdmin.objects.filter(
        organisation__slug=world.scopes["org_slug"]
    ).first()
    today = timezone.localdate()
    return {
        "slug": world.a.slug,
        "code": world.invitation_a.code,
        **world.ids,
        "year": today.year,
        "month": today.month,
        "kind": "csv",
        "answer": "accept",
        "supplier_user_id": supplier_user.pk if supplier_user else 1,
        "admin_id": org_admin.pk if org_admin else 1,
        "organisations:detail.slug": world.scopes["org_slug"],
        "organisations:admin_remove.slug": world.scopes["org_slug"],
        "campaigns:detail.code": world.ids["campaign_code"],
        "campaigns:pledge.code": world.ids["campaign_code"],
        "campaigns:withdraw.code": world.ids["campaign_code"],
        "campaigns:cancel.code": world.ids["campaign_code"],
        "rounds:basket.product_id": world.ids["round_product_id"],
        "rounds:action.action": "close",
        "rounds:purchase_order.kind": "csv",
        "rounds:unsubscribe.token": "not-a-signed-link",
        # The seeded product's picture (coopbuy.api.tests.access.catalog), under products/.
        "web:product_image.path": str(
            Product.objects.get(pk=world.ids["product_id"]).image_small.name
        ).removeprefix("products/"),
    }


def allowed(role: str, level: str | dict[str, str], method: str) -> bool:
    if isinstance(level, dict):
        level = level[method]
    return role in ROLES_AT[level]
