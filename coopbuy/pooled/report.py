"""The federation's report: per closed pooled round and per group, from the rows written at close.

Reads `PooledGroupResult` (each group's totals, frozen when the pool closed) with two aggregate
queries, however many rounds there are: no re-solving, no member rows. Per-group totals only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from coopbuy.federations.models import Federation
from coopbuy.pooled.models import PooledGroupResult, PooledRound

S = PooledRound.Status
CLOSED = (S.CLOSED, S.ORDERED, S.RECEIVED, S.SETTLED)  # closed at some point and not cancelled
RECENT = 24  # rounds on the page; the exports take every one
ZERO = Decimal("0.00")


def _money(value: Decimal | None) -> Decimal:
    """A sum as money: 2 places (SQLite's sums drop them), none is zero."""
    return ZERO if value is None else Decimal(value).quantize(ZERO)


@dataclass(frozen=True)
class PoolFigures:
    """One closed pooled round, summed over the groups that took part."""

    pool_id: int
    name: str
    closed_at: datetime
    supplier: str
    groups: int
    members_receiving: int
    goods: Decimal  # at the pooled prices, before VAT and markup
    delivery: Decimal  # the supplier's fee shared out plus every group's drop fee
    pooling_saving: Decimal  # against every group ordering alone; negative: pooling cost
    extra_cases: int  # cases only the pool filled

    @property
    def spend(self) -> Decimal:
        return self.goods + self.delivery


@dataclass(frozen=True)
class GroupPoolFigures:
    """One group over every closed pooled round it took part in."""

    slug: str
    name: str
    rounds: int
    goods: Decimal
    delivery: Decimal
    pooling_saving: Decimal
    extra_cases: int

    @property
    def spend(self) -> Decimal:
        return self.goods + self.delivery


def _closed_results(federation: Federation) -> QuerySet[PooledGroupResult]:
    return PooledGroupResult.objects.filter(
        pool__federation=federation, pool__status__in=CLOSED, pool__closed_at__isnull=False
    )


def federation_pool_rounds(
    *, federation: Federation, limit: int | None = RECENT
) -> list[PoolFigures]:
    """The federation's closed pooled rounds, newest first (the last `limit`, or every one)."""
    rows = (
        PooledRound.objects.filter(
            federation=federation, status__in=CLOSED, closed_at__isnull=False
        )
        .annotate(
            n_groups=Count("group_results"),
            members=Sum("group_results__members_receiving"),
            sum_goods=Sum("group_results__goods"),
            sum_delivery=Sum("group_results__delivery"),
            saving=Sum("group_results__pooling_saving"),
            extra=Sum("group_results__extra_cases"),
        )
        .order_by("-closed_at", "-pk")
        .values_list(
            "pk",
            "name",
            "closed_at",
            "supplier__name",
            "n_groups",
            "members",
            "sum_goods",
            "sum_delivery",
            "saving",
            "extra",
        )
    )
    if limit is not None:
        rows = rows[:limit]
    figures = []
    for pk, name, closed_at, supplier, groups, members, goods, delivery, saving, extra in rows:
        assert closed_at is not None  # filtered above
        figures.append(
            PoolFigures(
                pk,
                name,
                closed_at,
                supplier,
                groups,
                members or 0,
                _money(goods),
                _money(delivery),
                _money(saving),
                extra or 0,
            )
        )
    return figures


def federation_pool_groups(*, federation: Federation) -> list[GroupPoolFigures]:
    """Each group's totals over every closed pooled round it took part in, by name."""
    rows = (
        _closed_results(federation)
        .values("group__slug", "group__name", "group_id")
        .annotate(
            n=Count("pool", distinct=True),
            goods_sum=Sum("goods"),
            delivery_sum=Sum("delivery"),
            saving=Sum("pooling_saving"),
            extra=Sum("extra_cases"),
        )
        .order_by("group__name", "group_id")
    )
    return [
        GroupPoolFigures(
            r["group__slug"],
            r["group__name"],
            r["n"],
            _money(r["goods_sum"]),
            _money(r["delivery_sum"]),
            _money(r["saving"]),
            r["extra"] or 0,
        )
        for r in rows
    ]
