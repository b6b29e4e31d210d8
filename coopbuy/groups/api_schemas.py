"""The groups area's API schemas: what goes in and out of /api/v1/groups/… and /invitations/…."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Schema
from pydantic import AfterValidator, WithJsonSchema

from coopbuy.api.schemas import Input, Latitude, Longitude, PersonOut, Text
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership

Role = Literal["coordinator", "treasurer", "member"]
Visibility = Literal["public", "private"]
JoinPolicy = Literal["open", "approval", "invitation"]
Currency = Literal["GBP", "EUR", "USD"]
EMAIL_OR_EMPTY = {
    "anyOf": [{"type": "string", "maxLength": 0}, {"type": "string", "format": "email"}],
    "description": "Invite one person (single use); leave empty for a shareable link.",
}
Id = Annotated[int, Path(ge=1, le=2**62)]
INVITATION_CODE = r"^[A-Za-z0-9_-]{1,64}$"


def _email_or_empty(value: str) -> str:
    if value.strip():
        try:
            validate_email(value.strip())
        except DjangoValidationError as error:
            raise ValueError("enter a valid email address") from error
    return value


# Output ------------------------------------------------------------------------------------------


class GroupOut(Schema):
    slug: str
    name: str
    description: str
    place: str
    latitude: Latitude | None
    longitude: Longitude | None
    currency: Currency
    visibility: Visibility
    join_policy: JoinPolicy
    member_count: int
    created_at: datetime

    @classmethod
    def of(cls, group: BuyingGroup, member_count: int | None = None) -> "GroupOut":
        count = getattr(group, "member_count", None) if member_count is None else member_count
        if count is None:
            count = group.memberships.filter(ended_at__isnull=True).count()
        return cls.model_validate({**_fields(group), "member_count": count})


def _fields(group: BuyingGroup) -> dict[str, object]:
    names = ("slug", "name", "description", "place", "currency")
    micro = Decimal("0.000001")  # as stored, whether or not the row was read back
    return {
        **{name: getattr(group, name) for name in names},
        "latitude": None if group.latitude is None else Decimal(group.latitude).quantize(micro),
        "longitude": None if group.longitude is None else Decimal(group.longitude).quantize(micro),
        "visibility": group.visibility,
        "join_policy": group.join_policy,
        "created_at": group.created_at,
    }


class DeliveryOut(Schema):
    """Where suppliers deliver and whom they call (on purchase orders); empty strings: not set."""

    address: str
    postcode: str
    contact_name: str
    contact_phone: str


class GroupDetailOut(GroupOut):
    my_role: Role | None = Field(description="The caller's role here, or null for a non-member.")
    delivery: DeliveryOut | None = Field(
        None, description="The delivery address and contact; members only (null for others)."
    )


class MyGroupOut(Schema):
    group: GroupOut
    role: Role
    joined_at: datetime


class MemberOut(Schema):
    id: int
    person: PersonOut
    role: Role
    joined_at: datetime

    @classmethod
    def of(cls, membership: Membership) -> "MemberOut":
        return cls(
            id=membership.pk,
            person=PersonOut.of(membership.user),
            role=membership.role,  # type: ignore[arg-type]
            joined_at=membership.joined_at,
        )


class MembershipOut(Schema):
    """Where the caller now belongs, after joining."""

    group: str = Field(description="The group's slug.")
    role: Role
    joined_at: datetime

    @classmethod
    def of(cls, membership: Membership) -> "MembershipOut":
        return cls(
            group=membership.group.slug,
            role=membership.role,  # type: ignore[arg-type]
            joined_at=membership.joined_at,
        )


class InvitationOut(Schema):
    id: int
    email: str = Field(description="Empty for a shareable link.")
    role: Role
    max_uses: int | None
    use_count: int
    expires_at: datetime
    revoked_at: datetime | None
    state: Literal["active", "revoked", "expired", "used up"]
    code: str
    url: str

    @classmethod
    def of(cls, request: HttpRequest, invitation: Invitation) -> "InvitationOut":
        return cls(
            id=invitation.pk,
            email=invitation.email,
            role=invitation.role,  # type: ignore[arg-type]
            max_uses=invitation.max_uses,
            use_count=invitation.use_count,
            expires_at=invitation.expires_at,
            revoked_at=invitation.revoked_at,
            state=invitation.state(),  # type: ignore[arg-type]
            code=invitation.code,
            url=request.build_absolute_uri(reverse("groups:invitation", args=[invitation.code])),
        )


class JoinRequestOut(Schema):
    id: int
    person: PersonOut
    message: str
    status: Literal["pending", "approved", "declined", "withdrawn"]
    created_at: datetime

    @classmethod
    def of(cls, join_request: JoinRequest) -> "JoinRequestOut":
        return cls(
            id=join_request.pk,
            person=PersonOut.of(join_request.user),
            message=join_request.message,
            status=join_request.status,  # type: ignore[arg-type]
            created_at=join_request.created_at,
        )


# Input -------------------------------------------------------------------------------------------


class GroupCreateIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    slug: str = Field("", max_length=60, pattern=r"^[-a-zA-Z0-9_]*$")
    description: Text = Field("", max_length=5000)
    place: Text = Field("", max_length=120)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    currency: Currency = "GBP"
    visibility: Visibility = "public"
    join_policy: JoinPolicy = "approval"


class GroupUpdateIn(Input):
    """Only the fields sent change; the address (slug) and currency stay fixed."""

    name: Text | None = Field(None, min_length=1, max_length=120)
    description: Text | None = Field(None, max_length=5000)
    place: Text | None = Field(None, max_length=120)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None
    delivery_address: Text | None = Field(None, max_length=300, description="Lines split by \\n.")
    delivery_postcode: Text | None = Field(None, max_length=12)
    delivery_contact_name: Text | None = Field(None, max_length=120)
    delivery_contact_phone: Text | None = Field(None, max_length=24)


class RoleIn(Input):
    role: Role


class InvitationIn(Input):
    email: Annotated[Text, AfterValidator(_email_or_empty), WithJsonSchema(EMAIL_OR_EMPTY)] = Field(
        "", max_length=254
    )
    role: Role = "member"
    days_valid: int | None = Field(None, ge=1, le=90)
    max_uses: int | None = Field(None, ge=1, le=10000)


class JoinRequestIn(Input):
    message: Text = Field("", max_length=1000)


class GroupSearch(Schema):
    """Where to search from (one of `postcode`, `place`, `lat`+`lon`, `near`), how far, what."""

    postcode: Text = Field(
        "",
        max_length=100,
        description="A full postcode (HX7 8AD: its sector's centre), a sector (HX7 8) or a "
        "district (HX7) of Great Britain.",
    )
    place: Text = Field(
        "",
        max_length=100,
        description="A town or village of Great Britain; `Newport, TF10` or `Newport, Wales` "
        "narrows a name shared by several places.",
    )
    lat: float | None = Field(None, ge=-90, le=90, description="Latitude (WGS84), with `lon`.")
    lon: float | None = Field(None, ge=-180, le=180, description="Longitude (WGS84), with `lat`.")
    near: bool = Field(
        False,
        description="From my home place (signed in, with a home place: PATCH /me sets it).",
    )
    within_km: int | None = Field(
        None,
        ge=1,
        le=500,
        description="Only groups this close to the point searched from (default 50 km).",
    )
    q: Text = Field("", max_length=100, description="Words in the name, place or description.")
    category: Text = Field(
        "", max_length=80, description="Only groups buying products of this category."
    )
    supplier: Text = Field(
        "", max_length=120, description="Only groups ordering from a supplier with this name."
    )
    every: Literal["weekly", "fortnightly", "monthly"] | None = Field(
        None, description="Only groups ordering this often (from their round schedules)."
    )
    taking_members: bool = Field(
        False, description="Only groups taking new members (open, or by approval)."
    )


class GroupListingOut(GroupOut):
    distance_km: float | None = Field(
        None,
        description="How far from the point searched from, in km (1 decimal); null without one.",
    )
    categories: list[str] = Field(description="Product categories its suppliers offer.")
    suppliers: list[str] = Field(description="Its active suppliers.")
    every_weeks: int | None = Field(
        description="How often it orders, in weeks (its most frequent schedule); null if unknown."
    )
    taking_members: bool = Field(description="Whether it takes new members.")


class InvitationPreviewOut(Schema):
    """What an invitation link leads to: the group, the role it gives, and whether I am in."""

    group: GroupOut
    role: Role
    expires_at: datetime
    already_member: bool


class ActivityOut(Schema):
    id: int
    at: datetime
    actor: PersonOut | None = Field(description="Who did it; null for the system or a person gone.")
    action: str = Field(description="A stable name, e.g. membership.role_changed.")
    summary: str


class MemberFilter(Schema):
    role: Role | None = Field(None, description="Only members with this role.")
