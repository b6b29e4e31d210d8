"""Supplier users through the API: the suppliers I act for; a coordinator invites someone.

`suppliers_router` is mounted at /suppliers (the caller's own scope, outside any group); the
invitation operation is on the catalogue's group router. The purchase orders of my supplier are
a rounds operation (`coopbuy.rounds.supplier_portal_api`).
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Page, Paging, Text
from coopbuy.catalog.api import router
from coopbuy.catalog.api_schemas import Id
from coopbuy.catalog.models import Supplier, SupplierInvitation
from coopbuy.catalog.permissions import supplier_for_coordinator, suppliers_for_user
from coopbuy.catalog.supplier_users import supplier_invitation_create

suppliers_router = Router(tags=["supplier users"])


class MySupplierOut(Schema):
    id: int
    name: str
    group_name: str = Field(description="The buying group that orders from this supplier.")

    @classmethod
    def of(cls, supplier: Supplier) -> "MySupplierOut":
        return cls(
            id=supplier.pk,
            name=supplier.name,
            group_name=supplier.group.name,
        )


class SupplierInvitationIn(Input):
    email: Text = Field(max_length=254, description="Who is invited to act for the supplier.")


class SupplierInvitationOut(Schema):
    id: int
    supplier_id: int
    email: str
    expires_at: datetime

    @classmethod
    def of(cls, invitation: SupplierInvitation) -> "SupplierInvitationOut":
        return cls(
            id=invitation.pk,
            supplier_id=invitation.supplier_id,
            email=invitation.email,
            expires_at=invitation.expires_at,
        )


@suppliers_router.get("/mine", response={200: Page[MySupplierOut], **problem_responses()})
def my_suppliers(request: HttpRequest, paging: Query[Paging]) -> Page[MySupplierOut]:
    """The suppliers the caller acts for (empty for most people)."""
    return paginate(request, suppliers_for_user(user=caller(request)), paging, MySupplierOut.of)


@router.post(
    "/{slug:slug}/suppliers/{int:supplier_id}/user-invitations",
    response={201: SupplierInvitationOut, **problem_responses()},
)
@idempotent
def invite_supplier_user(
    request: HttpRequest, slug: str, supplier_id: Id, payload: SupplierInvitationIn
) -> Status[SupplierInvitationOut]:
    """Invite someone by email to act for this supplier (coordinators); the email says how."""
    _group, _membership, supplier = supplier_for_coordinator(
        slug=slug, supplier_id=supplier_id, user=caller(request)
    )
    invitation = supplier_invitation_create(
        supplier=supplier, actor=caller(request), email=payload.email
    )
    return Status(201, SupplierInvitationOut.of(invitation))
