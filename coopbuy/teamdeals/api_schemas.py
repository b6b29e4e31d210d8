"""Schemas of the team deals' API: money as strings, times with offsets; no buyer is ever named."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, BeforeValidator
from pydantic import Field as PydanticField

from coopbuy.api.schemas import Input, Money, Text, whole_number
from coopbuy.campaigns.models import Pledge
from coopbuy.teamdeals.models import Deal, Team
from coopbuy.teamdeals.selectors import TeamFigures, TeamProgress, state_of
from coopbuy.teamdeals.services import DealInput, TeamTier

Whole = Annotated[int, BeforeValidator(whole_number)]
Code = Annotated[str, PydanticField(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")]
State = Literal["open", "succeeded", "expired", "cancelled"]


class TierIO(Schema):
    size: Whole = Field(ge=2, le=100, description="A team of this many buyers…")
    unit_price: Money = Field(description="…pays this price each.")


class DealOut(Schema):
    id: int
    organisation: str = Field(description="The organisation's web address (slug).")
    organisation_name: str
    title: str
    description: str
    unit: str
    solo_price: Money
    tiers: list[TierIO]
    window_hours: int
    stock: int | None
    active_from: datetime
    active_until: datetime | None
    ended: bool

    @classmethod
    def of(cls, d: Deal) -> DealOut:
        return cls(
            id=d.pk, organisation=d.organisation.slug, organisation_name=d.organisation.name,
            title=d.title, description=d.description, unit=d.unit, solo_price=d.solo_price,
            tiers=[TierIO(size=t.size, unit_price=t.unit_price) for t in d.tiers.all()],
            window_hours=d.window_hours, stock=d.stock, active_from=d.active_from,
            active_until=d.active_until, ended=d.ended_at is not None,
        )  # fmt: skip


class TeamProgressOut(Schema):
    state: State
    members: int
    full_size: int
    price_now: Money | None = Field(description="What each pays if the team ended now.")
    next_price: Money | None
    more_for_next: int | None
    sentence: str = Field(description="The same sentence the team's page shows.")

    @classmethod
    def of(cls, p: TeamProgress) -> TeamProgressOut:
        return cls(
            state=p.state,  # type: ignore[arg-type]
            members=p.members, full_size=p.full_size, price_now=p.price_now,
            next_price=p.next_price, more_for_next=p.more_for_next, sentence=p.sentence,
        )  # fmt: skip


class PlaceOut(Schema):
    status: Literal["active", "withdrawn", "filled", "left_out", "released"]
    amount_due: Money | None

    @classmethod
    def of(cls, p: Pledge | None) -> PlaceOut | None:
        if p is None:
            return None
        return cls(status=p.status, amount_due=p.amount_due)  # type: ignore[arg-type]


class TeamOut(Schema):
    deal_id: int
    code: str = Field(description="The team's share code: /deals/<deal_id>/teams/<code>/.")
    deadline: datetime
    progress: TeamProgressOut
    my_place: PlaceOut | None = Field(description="The caller's place (null: not in the team).")

    @classmethod
    def of(cls, team: Team, progress: TeamProgress, place: Pledge | None) -> TeamOut:
        return cls(
            deal_id=team.deal_id, code=team.campaign.code, deadline=team.campaign.deadline,
            progress=TeamProgressOut.of(progress), my_place=PlaceOut.of(place),
        )  # fmt: skip


class DealDetailOut(DealOut):
    open_teams: list[TeamOut]


class MyTeamOut(Schema):
    deal_id: int
    title: str
    code: str
    state: State
    place: PlaceOut

    @classmethod
    def of(cls, p: Pledge) -> MyTeamOut:
        team = p.campaign.team
        place = PlaceOut.of(p)
        assert place is not None
        return cls(
            deal_id=team.deal_id, title=team.deal.title, code=p.campaign.code,
            state=state_of(team),  # type: ignore[arg-type]
            place=place,
        )  # fmt: skip


class TeamFiguresOut(Schema):
    """An admin's view of a team: counts and totals, never who."""

    code: str
    state: State
    members: int
    total: Money = Field(description="Charged (succeeded) or held now (open).")
    deadline: datetime

    @classmethod
    def of(cls, f: TeamFigures) -> TeamFiguresOut:
        return cls(
            code=f.team.campaign.code,
            state=f.state,  # type: ignore[arg-type]
            members=f.members, total=f.total, deadline=f.team.campaign.deadline,
        )  # fmt: skip


class DealIn(Input):
    title: Text = Field(min_length=1, max_length=120)
    description: Text = Field("", max_length=4000)
    unit: Text = Field("box", min_length=1, max_length=40)
    solo_price: Money
    tiers: list[TierIO] = Field(min_length=1, max_length=10)
    window_hours: Whole = Field(ge=1, le=336)
    stock: (
        Annotated[int, PydanticField(ge=1, le=1_000_000), BeforeValidator(whole_number)] | None
    ) = None
    active_from: AwareDatetime | None = Field(None, description="null: now.")
    active_until: AwareDatetime | None = None

    def data(self) -> DealInput:
        return DealInput(
            title=self.title, description=self.description, unit=self.unit,
            solo_price=self.solo_price,
            tiers=[TeamTier(t.size, t.unit_price) for t in self.tiers],
            window_hours=self.window_hours, stock=self.stock, active_from=self.active_from,
            active_until=self.active_until,
        )  # fmt: skip


class DealCreateIn(DealIn):
    organisation: Text = Field(min_length=1, max_length=60, description="The organisation's slug.")
