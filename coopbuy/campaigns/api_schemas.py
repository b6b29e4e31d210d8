"""Schemas of the campaigns' API: money as strings, counts as whole numbers, times with offsets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, BeforeValidator
from pydantic import Field as PydanticField

from coopbuy.api.schemas import Input, Money, Text, whole_number
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.selectors import CampaignProgress

Whole = Annotated[int, BeforeValidator(whole_number)]
Cap = Annotated[int, PydanticField(ge=1, le=1_000_000), BeforeValidator(whole_number)]
Code = Annotated[str, PydanticField(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")]


class CampaignTierIO(Schema):
    threshold: Whole = Field(ge=1, le=1_000_000, description="Households or units from which…")
    unit_price: Money = Field(description="…this price per unit applies, for everyone.")


class CampaignProgressOut(Schema):
    reached: int = Field(description="Households or units that count now.")
    minimum: int
    tipped: bool = Field(description="The minimum is reached: it would go ahead if it ended now.")
    unit_price: Money | None = Field(description="The price if it ended now.")
    more_to_tip: int
    next_threshold: int | None
    more_to_next: int | None
    next_price: Money | None
    pledgers: int
    units: int
    cap_left: int | None
    sentence: str = Field(description="The same sentence the campaign's page shows.")

    @classmethod
    def of(cls, progress: CampaignProgress, sentence: str) -> CampaignProgressOut:
        f = progress.figures
        return cls(
            reached=f.reached, minimum=f.minimum, tipped=f.tipped, unit_price=f.unit_price,
            more_to_tip=f.more_to_tip, next_threshold=f.next_threshold,
            more_to_next=f.more_to_next, next_price=f.next_price, pledgers=progress.pledgers,
            units=progress.units, cap_left=progress.cap_left, sentence=sentence,
        )  # fmt: skip


class CampaignOut(Schema):
    code: str
    title: str
    description: str
    group: str = Field(description="The group's name.")
    supplier: str | None
    unit: str
    measure: Literal["participants", "units"]
    status: Literal["open", "tipped", "failed", "cancelled"]
    deadline: datetime
    cap: int | None
    max_per_person: int
    unit_price: Money | None = Field(description="The final price, once it went ahead.")
    tiers: list[CampaignTierIO]

    @classmethod
    def of(cls, c: Campaign) -> CampaignOut:
        return cls(
            code=c.code, title=c.title, description=c.description, group=c.group.name,
            supplier=c.supplier.name if c.supplier else None, unit=c.unit,
            measure=c.measure,  # type: ignore[arg-type]
            status=c.status,  # type: ignore[arg-type]
            deadline=c.deadline, cap=c.cap, max_per_person=c.max_per_person,
            unit_price=c.unit_price,
            tiers=[CampaignTierIO(threshold=t.threshold, unit_price=t.unit_price)
                   for t in c.tiers.all()],
        )  # fmt: skip


class CampaignDetailOut(CampaignOut):
    progress: CampaignProgressOut


class CampaignIn(Input):
    title: Text = Field(min_length=1, max_length=120)
    description: Text = Field("", max_length=5000)
    supplier_id: Whole = Field(ge=1, le=2**62, description="One of the group's active suppliers.")
    unit: Text = Field("unit", min_length=1, max_length=40)
    measure: Literal["participants", "units"] = "participants"
    tiers: list[CampaignTierIO] = Field(min_length=1, max_length=10)
    deadline: AwareDatetime
    cap: Cap | None = Field(None, description="The most units in all (null: no cap).")
    max_per_person: Whole = Field(20, ge=1, le=10_000)


class CampaignCancelIn(Input):
    reason: Text = Field(min_length=1, max_length=300, description="Every pledger is told.")


class CampaignPledgeIn(Input):
    quantity: Whole = Field(ge=1, le=10_000)
    max_price: Money | None = Field(
        None, description="Count my pledge only if the price reaches this (null: any price)."
    )
    ref: Code | None = Field(None, description="The share code of the link that brought me.")


class CampaignPledgeOut(Schema):
    quantity: int
    max_price: Money | None
    status: Literal["active", "withdrawn", "filled", "left_out", "released"]
    payment: Literal["hold", "promise"]
    amount_due: Money | None
    share_code: str
    brought: int = Field(description="People who pledged through my share link.")

    @classmethod
    def of(cls, p: Pledge, brought: int) -> CampaignPledgeOut:
        return cls(
            quantity=p.quantity, max_price=p.max_price,
            status=p.status,  # type: ignore[arg-type]
            payment=p.payment,  # type: ignore[arg-type]
            amount_due=p.amount_due, share_code=p.share_code, brought=brought,
        )  # fmt: skip
