"""Schemas of the programmes' API. Dashboard cells carry a figure or "fewer than 5", never a
person; enrolment answers name only the caller's own enrolment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import Field as PydanticField

from coopbuy.api.schemas import Input, Text
from coopbuy.organisations.models import Programme
from coopbuy.programmes.models import WEEKDAYS, DomainClaim, Enrolment, PickupPoint

Token = Annotated[str, PydanticField(min_length=10, max_length=600, pattern=r"^[A-Za-z0-9:_.-]+$")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
assert {code for code, _label in WEEKDAYS} == set(Weekday.__args__)  # type: ignore[attr-defined]


class ProgrammeIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    coordinator_email: Text = Field(
        min_length=3, max_length=254,
        description="The group's coordinator (a person with a coopbuy account). Running the "
        "organisation gives no role in the group: give your own address to coordinate it.",
    )  # fmt: skip
    group_slug: Text = Field("", max_length=60, description="Made from the name if empty.")
    allows_friends_and_family: bool = False


class ProgrammePickupOut(Schema):
    id: int
    name: str
    address: str
    delivery_days: list[str]
    notes: str

    @classmethod
    def of(cls, point: PickupPoint) -> ProgrammePickupOut:
        return cls(
            id=point.pk,
            name=point.name,
            address=point.address,
            delivery_days=point.day_codes,
            notes=point.notes,
        )


class ProgrammePickupIn(Input):
    name: Text = Field(min_length=1, max_length=120)
    address: Text = Field(min_length=1, max_length=300)
    delivery_days: list[Weekday] = Field(min_length=1, max_length=7)
    notes: Text = Field("", max_length=1000)


class ProgrammeOut(Schema):
    id: int
    name: str
    group_slug: str
    allows_friends_and_family: bool
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, programme: Programme) -> ProgrammeOut:
        return cls(
            id=programme.pk,
            name=programme.name,
            group_slug=programme.group.slug,
            allows_friends_and_family=programme.allows_friends_and_family,
            created_at=programme.created_at,
            ended_at=programme.ended_at,
        )


class ProgrammeDetailOut(ProgrammeOut):
    code: str = Field(description="The invitation code staff (and friends and family) join with.")
    pickup_points: list[ProgrammePickupOut]


class DomainClaimIn(Input):
    domain: Text = Field(min_length=1, max_length=253)
    proof_email: Text = Field(
        min_length=3, max_length=254, description="An address at the domain to confirm at."
    )


class DomainClaimOut(Schema):
    id: int
    domain: str
    proof_email: str
    confirmed: bool
    created_at: datetime

    @classmethod
    def of(cls, claim: DomainClaim) -> DomainClaimOut:
        return cls(
            id=claim.pk,
            domain=claim.domain,
            proof_email=claim.proof_email,
            confirmed=claim.is_confirmed,
            created_at=claim.created_at,
        )


class EndIn(Input):
    confirm: bool = Field(
        False, description="true: end the programme now (it cannot be undone); false is refused."
    )


class TokenIn(Input):
    token: Token = Field(description="The token at the end of the emailed link.")


class WorkEmailIn(Input):
    email: Text = Field(min_length=3, max_length=254)


class WorkEmailSentOut(Schema):
    sent_to: str


class CodeIn(Input):
    code: Text = Field(min_length=1, max_length=32)
    friends_and_family: bool = False


class EnrolmentOut(Schema):
    programme_id: int
    group_slug: str
    via: str
    verified_at: datetime

    @classmethod
    def of(cls, enrolment: Enrolment) -> EnrolmentOut:
        return cls(
            programme_id=enrolment.programme_id,
            group_slug=enrolment.programme.group.slug,
            via=enrolment.via,
            verified_at=enrolment.verified_at,
        )


class DashboardCellOut(Schema):
    section: str
    figure: str
    value: str = Field(description='The figure, or "fewer than 5" where it rests on fewer.')


class DashboardOut(Schema):
    programme_id: int
    currency: str
    floor: int = Field(description="The fewest people a shown figure rests on.")
    cells: list[DashboardCellOut]
