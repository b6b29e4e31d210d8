"""The interest area's API schemas: /api/v1/me/interest."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from coopbuy.api.schemas import Input, Money, Text
from coopbuy.interest.models import MAX_TRAVEL_KM, Interest, InterestNotice

Every = Literal["weekly", "fortnightly", "monthly"]


class InterestIn(Input):
    postcode: Text = Field(
        max_length=12,
        description="A full postcode, a sector or a district of Great Britain; only its sector "
        "(or district) is kept.",
    )
    categories: list[Text] = Field([], max_length=12, description="Kinds of product.")
    suppliers: list[Text] = Field([], max_length=12, description="Suppliers' names.")
    products: Text = Field("", max_length=500)
    spend_per_round: Money | None = Field(None, description="About how much per order (GBP).")
    every: Every = "monthly"
    travel_km: int = Field(5, ge=1, le=MAX_TRAVEL_KM, description="How far I would go to collect.")
    can_host_pickup: bool = False
    another_group: bool = Field(
        False,
        description="I am in a group and would like another one too: members are matched into "
        "suggested groups only with this on.",
    )


class GroupRef(Schema):
    slug: str
    name: str


class NoticeOut(Schema):
    group: GroupRef
    reason: Literal["formed", "opened"]
    distance_km: float
    at: datetime

    @classmethod
    def of(cls, notice: InterestNotice) -> "NoticeOut":
        return cls(
            group=GroupRef(slug=notice.group.slug, name=notice.group.name),
            reason=notice.reason,  # type: ignore[arg-type]
            distance_km=float(notice.distance_km),
            at=notice.created_at,
        )


class InterestOut(Schema):
    postcode: str = Field(description="As kept: the sector (HX7 8) or district (HX7).")
    area: str = Field(description="The postcode district whose waiting list I am on.")
    categories: list[str]
    suppliers: list[str]
    products: str
    spend_per_round: Money | None
    every: Every
    travel_km: int
    can_host_pickup: bool
    another_group: bool
    waiting_nearby: int = Field(description="Other people with interest within travel_km.")
    notices: list[NoticeOut] = Field(description="Groups I was told about, newest first.")
    updated_at: datetime

    @classmethod
    def of(cls, interest: Interest, *, waiting: int, notices: list[NoticeOut]) -> "InterestOut":
        return cls(
            postcode=interest.postcode,
            area=interest.area,
            categories=interest.categories,
            suppliers=interest.suppliers,
            products=interest.products,
            spend_per_round=interest.spend_per_round,
            every=interest.every,  # type: ignore[arg-type]
            travel_km=interest.travel_km,
            can_host_pickup=interest.can_host_pickup,
            another_group=interest.another_group,
            waiting_nearby=waiting,
            notices=notices,
            updated_at=interest.updated_at,
        )
