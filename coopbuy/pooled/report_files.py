"""The federation report's per-round figures as CSV and XLSX (`reports.exports` writes them)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from coopbuy.pooled.report import PoolFigures
from coopbuy.reports.exports import table_csv, table_xlsx, text_cell

COLUMNS = (
    "closed_at", "pooled_round", "supplier", "currency", "groups", "members_receiving", "goods",
    "delivery_and_drop_fees", "spend", "pooling_saving", "extra_cases",
)  # fmt: skip


def _rows(rounds: Sequence[PoolFigures], currency: str) -> Iterable[list[object]]:
    for r in rounds:
        yield [
            r.closed_at.date().isoformat(), text_cell(r.name), text_cell(r.supplier), currency,
            r.groups, r.members_receiving, r.goods, r.delivery, r.spend, r.pooling_saving,
            r.extra_cases,
        ]  # fmt: skip


def pool_rounds_csv(rounds: Sequence[PoolFigures], currency: str) -> str:
    return table_csv(COLUMNS, _rows(rounds, currency))


def pool_rounds_xlsx(rounds: Sequence[PoolFigures], currency: str) -> bytes:
    return table_xlsx("Pooled rounds", COLUMNS, _rows(rounds, currency))
