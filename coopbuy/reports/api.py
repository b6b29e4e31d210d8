"""The reports area of the API: a group's figures per round, and my savings (members)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from coopbuy.api.auth import caller
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.groups.permissions import group_for_member
from coopbuy.reports import selectors
from coopbuy.reports.api_schemas import (
    MyRoundOut,
    MySavingsOut,
    MyYearOut,
    RoundFiguresOut,
    SupplierFiguresOut,
)
from coopbuy.reports.findings import saving_sentence

router = Router(tags=["reports"])
__all__ = ["router"]  # mounted by coopbuy.config.api


@router.get(
    "/{slug:slug}/reports/rounds", response={200: Page[RoundFiguresOut], **problem_responses()}
)
def group_rounds(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[RoundFiguresOut]:
    """The group's closed rounds, newest first: spend, savings, case fill, fairness (members)."""
    group, _membership = group_for_member(slug=slug, user=caller(request))
    rows = selectors.group_rounds(group=group).order_by("-closed_at", "-round_id")
    return paginate(request, rows, paging, RoundFiguresOut.of)


@router.get(
    "/{slug:slug}/reports/suppliers",
    response={200: list[SupplierFiguresOut], **problem_responses()},
)
def group_suppliers(request: HttpRequest, slug: str) -> list[SupplierFiguresOut]:
    """Each supplier's shortages and lead times over all the group's rounds, most units short
    first (members)."""
    group, _membership = group_for_member(slug=slug, user=caller(request))
    return [SupplierFiguresOut.of(s) for s in selectors.group_suppliers(group=group)]


@router.get("/{slug:slug}/reports/me", response={200: MySavingsOut, **problem_responses()})
def my_savings(request: HttpRequest, slug: str) -> MySavingsOut:
    """What I spent and saved per calendar year, and per round over the last 12 months."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    rows = selectors.member_rounds(membership=membership, since=selectors.year_ago())
    return MySavingsOut(
        currency=group.currency,
        years=[MyYearOut.of(y) for y in selectors.member_years(membership=membership)],
        rounds=[
            MyRoundOut.of(r, saving_sentence(r, group.currency))
            for r in rows.order_by("-closed_at", "-round_id")
        ],
    )
