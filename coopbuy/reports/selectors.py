"""Reads for the report pages and the API: only the aggregate rows, never a round's lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.reports.findings import saving_sentence
from coopbuy.reports.models import MemberRoundFigures, RoundFigures, SupplierRoundFigures
from coopbuy.reports.suppliers import SupplierSummary, summarise

ZERO = Decimal("0.00")


def year_ago(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=365)


def group_rounds(*, group: BuyingGroup, since: datetime | None = None) -> QuerySet[RoundFigures]:
    """The group's closed rounds' figures, oldest first."""
    rows = RoundFigures.objects.filter(group=group)
    return rows if since is None else rows.filter(closed_at__gte=since)


def group_suppliers(*, group: BuyingGroup, since: datetime | None = None) -> list[SupplierSummary]:
    """Each supplier's shortages and lead times over the group's closed rounds (one query)."""
    rows = SupplierRoundFigures.objects.filter(group=group)
    return summarise(rows if since is None else rows.filter(closed_at__gte=since))


def member_rounds(
    *, membership: Membership, since: datetime | None = None
) -> QuerySet[MemberRoundFigures]:
    """A member's figures per closed round, oldest first, with the round's name."""
    rows = MemberRoundFigures.objects.filter(membership=membership).select_related("round")
    return rows if since is None else rows.filter(closed_at__gte=since)


def member_round(*, round_id: int, membership_id: int) -> MemberRoundFigures | None:
    return MemberRoundFigures.objects.filter(round_id=round_id, membership_id=membership_id).first()


@dataclass(frozen=True)
class YearTotals:
    year: int
    rounds: int
    spend: Decimal
    savings_retail: Decimal
    savings_alone: Decimal


def member_years(*, membership: Membership) -> list[YearTotals]:
    """A member's totals per calendar year, newest first (one grouped query)."""
    rows = (
        MemberRoundFigures.objects.filter(membership=membership)
        .values("closed_at__year")
        .annotate(
            rounds=Count("id"),
            spend=Sum("spend"),
            retail=Sum("savings_retail"),
            alone=Sum("savings_alone"),
        )
        .order_by("-closed_at__year")
    )
    return [
        YearTotals(
            r["closed_at__year"],
            r["rounds"],
            r["spend"] or ZERO,
            r["retail"] or ZERO,
            r["alone"] or ZERO,
        )
        for r in rows
    ]


def saving_sentences_by_email(*, round_id: int, currency: str) -> dict[str, str]:
    """Each member's "You saved £X this round" sentence of a round, by their email (one query)."""
    rows = MemberRoundFigures.objects.filter(round_id=round_id).select_related("membership__user")
    return {
        r.membership.user.email: saving_sentence(r, currency)
        for r in rows
        if r.membership.user.email and r.spend
    }
