"""The team deals area of the API: deals on offer, a team by its share code (start, join, leave),
my teams, and an organisation admin's deals (create, update, end, teams' figures).

Shaped like `coopbuy/campaigns/api.py`: parse with a Schema, reach the deal or the team through
the permission helpers the pages use, call one service, return an output Schema.
"""

from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller, public
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.teamdeals import selectors, services
from coopbuy.teamdeals.api_schemas import (
    Code,
    DealCreateIn,
    DealDetailOut,
    DealIn,
    DealOut,
    MyTeamOut,
    TeamFiguresOut,
    TeamOut,
)
from coopbuy.teamdeals.models import Team
from coopbuy.teamdeals.permissions import deal_for_admin, deal_for_viewer, team_for_viewer

router = Router(tags=["team deals"])
Id = Annotated[int, Path(ge=1, le=2**62)]


def _team(request: HttpRequest, team: Team) -> TeamOut:
    team = team_for_viewer(deal_id=team.deal_id, code=team.campaign.code)
    user = getattr(getattr(request, "auth", None), "user", None)
    place = selectors.member_of(team, user) if user is not None else None
    return TeamOut.of(team, selectors.team_progress(team), place)


@router.get("", response={200: Page[DealOut], **problem_responses()}, **public())
def deals(request: HttpRequest, paging: Query[Paging]) -> Page[DealOut]:
    """Deals on offer now, of every organisation."""
    return paginate(request, selectors.all_offered_deals(), paging, DealOut.of)


@router.get("/mine", response={200: Page[MyTeamOut], **problem_responses()})
def my_teams(request: HttpRequest, paging: Query[Paging]) -> Page[MyTeamOut]:
    """The teams I started or joined, newest first."""
    return paginate(request, selectors.my_teams(caller(request)), paging, MyTeamOut.of)


@router.post("", response={201: DealOut, **problem_responses()})
@idempotent
def create_deal(request: HttpRequest, payload: DealCreateIn) -> Status[DealOut]:
    """Offer a deal (the organisation's admins)."""
    organisation, _admin = organisation_for_admin(slug=payload.organisation, user=caller(request))
    deal = services.deal_create(
        organisation=organisation, actor=caller(request), data=payload.data()
    )
    return Status(201, DealOut.of(deal))


@router.get("/{deal_id}", response={200: DealDetailOut, **problem_responses()}, **public())
def get_deal(request: HttpRequest, deal_id: Id) -> DealDetailOut:
    """A deal with the teams one can join now."""
    deal = deal_for_viewer(deal_id=deal_id)
    teams = [_team(request, t) for t in selectors.open_teams(deal)[:50]]
    return DealDetailOut(**DealOut.of(deal).model_dump(), open_teams=teams)


@router.put("/{deal_id}", response={200: DealOut, **problem_responses()})
def update_deal(request: HttpRequest, deal_id: Id, payload: DealIn) -> DealOut:
    """Change a deal (its admins); teams already started keep their prices."""
    deal = deal_for_admin(deal_id=deal_id, user=caller(request))
    return DealOut.of(services.deal_update(deal=deal, actor=caller(request), data=payload.data()))


@router.post("/{deal_id}/end", response={200: DealOut, **problem_responses()})
@idempotent
def end_deal(request: HttpRequest, deal_id: Id) -> DealOut:
    """Stop offering a deal (its admins); teams already started run to their deadline."""
    deal = deal_for_admin(deal_id=deal_id, user=caller(request))
    return DealOut.of(services.deal_end(deal=deal, actor=caller(request)))


@router.get("/{deal_id}/figures", response={200: list[TeamFiguresOut], **problem_responses()})
def team_figures(request: HttpRequest, deal_id: Id) -> list[TeamFiguresOut]:
    """Each team's state, size and total (its admins): never who bought."""
    deal = deal_for_admin(deal_id=deal_id, user=caller(request))
    return [TeamFiguresOut.of(f) for f in selectors.teams_for_admin(deal)]


@router.post("/{deal_id}/teams", response={201: TeamOut, **problem_responses()})
@idempotent
def start_team(request: HttpRequest, deal_id: Id) -> Status[TeamOut]:
    """Start a team: my place is held at the team price; share the team's code."""
    deal = deal_for_viewer(deal_id=deal_id)
    team = services.team_start(deal=deal, user=caller(request))
    return Status(201, _team(request, team))


@router.get("/{deal_id}/teams/{code}", response={200: TeamOut, **problem_responses()}, **public())
def get_team(request: HttpRequest, deal_id: Id, code: Code) -> TeamOut:
    """A team by its share code, with its live progress."""
    return _team(request, team_for_viewer(deal_id=deal_id, code=code))


@router.post("/{deal_id}/teams/{code}/join", response={200: TeamOut, **problem_responses()})
@idempotent
def join_team(request: HttpRequest, deal_id: Id, code: Code) -> TeamOut:
    """Join a team; taking its last place ends it at once at the best team price."""
    team = team_for_viewer(deal_id=deal_id, code=code)
    services.team_join(team=team, user=caller(request))
    return _team(request, team)


@router.post("/{deal_id}/teams/{code}/leave", response={200: TeamOut, **problem_responses()})
@idempotent
def leave_team(request: HttpRequest, deal_id: Id, code: Code) -> TeamOut:
    """Leave a team before it ends; what was held is free again."""
    team = team_for_viewer(deal_id=deal_id, code=code)
    services.team_leave(team=team, user=caller(request))
    return _team(request, team)
