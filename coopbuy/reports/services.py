"""Writing the report aggregates: with every close and receiving, and on a rebuild.

`round_figures_record` runs inside the caller's transaction (the close or the receiving), so the
aggregates commit with the change they describe or not at all. `reports_rebuild` recomputes every
round's rows; `reports_check` recomputes them without writing and lists what differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from coopbuy.core.savings import round_figures
from coopbuy.reports.inputs import FROZEN, facts_for_round, rounds_rows
from coopbuy.reports.models import (
    MEMBER_FIELDS,
    ROUND_FIELDS,
    SUPPLIER_FIELDS,
    MemberRoundFigures,
    RoundFigures,
    SupplierRoundFigures,
)
from coopbuy.reports.suppliers import supplier_rows_of_round


def figures_for_round(round: Any) -> tuple[RoundFigures, list[MemberRoundFigures]] | None:
    """The aggregate rows of a round as they should be now, unsaved (None: it has none)."""
    if round.status not in FROZEN or round.closed_at is None:
        return None
    facts = facts_for_round(round.pk)
    f = round_figures(
        products=facts.products, suppliers=facts.suppliers, lines=facts.lines, charges=facts.charges
    )
    head = RoundFigures(
        round_id=round.pk,
        group_id=round.group_id,
        name=round.name,
        closed_at=round.closed_at,
        currency=round.currency,
        members_ordering=f.members_ordering,
        spend=f.spend,
        goods=f.goods,
        savings_retail=f.savings_retail,
        savings_alone=f.savings_alone,
        case_units=f.case_units,
        case_units_filled=f.case_units_filled,
        case_fill=f.case_fill,
        requested_units=f.requested_units,
        received_units=f.received_units,
        unmet_units=f.unmet_units,
        tolerance_offered=f.tolerance_offered,
        tolerance_used=f.tolerance_used,
        demand_fill=f.demand_fill,
        lowest_fill=f.lowest_fill,
        jain=f.jain,
    )
    members = [
        MemberRoundFigures(
            round_id=round.pk,
            group_id=round.group_id,
            membership_id=int(m.member),
            closed_at=round.closed_at,
            spend=m.spend,
            goods=m.goods,
            delivery=m.delivery,
            savings_retail=m.savings_retail,
            savings_alone=m.savings_alone,
            requested_units=m.requested_units,
            received_units=m.received_units,
            tolerance_offered=m.tolerance_offered,
            tolerance_used=m.tolerance_used,
            fill=m.fill,
        )
        for m in f.members
    ]
    return head, members


@transaction.atomic
def round_figures_record(*, round: Any) -> RoundFigures | None:
    """Replace the round's aggregate rows by its figures now (the caller holds the round's lock)."""
    RoundFigures.objects.filter(round_id=round.pk).delete()
    MemberRoundFigures.objects.filter(round_id=round.pk).delete()
    SupplierRoundFigures.objects.filter(round_id=round.pk).delete()
    rows = figures_for_round(round)
    if rows is None:
        return None
    head, members = rows
    head.save()
    MemberRoundFigures.objects.bulk_create(members, batch_size=1000)
    SupplierRoundFigures.objects.bulk_create(supplier_rows_of_round(round, rounds_rows))
    return head


def _rounds(group_id: int | None) -> Any:
    rounds = rounds_rows("Round").order_by("pk")
    return rounds if group_id is None else rounds.filter(group_id=group_id)


def reports_rebuild(*, group_id: int | None = None) -> int:
    """Recompute every round's aggregates (one transaction per round, under its lock)."""
    count = 0
    for pk in _rounds(group_id).values_list("pk", flat=True):
        with transaction.atomic():
            round = rounds_rows("Round").select_for_update().get(pk=pk)
            if round_figures_record(round=round) is not None:
                count += 1
    return count


@dataclass(frozen=True)
class Difference:
    round_id: int
    membership_id: int | None  # None: the round's own row (or a supplier's, named by `supplier`)
    field: str
    stored: object
    rebuilt: object
    supplier: str = ""

    def __str__(self) -> str:
        who = "round" if self.membership_id is None else f"member {self.membership_id}"
        who = f"supplier {self.supplier}" if self.supplier else who
        return (
            f"round {self.round_id}, {who}: {self.field} stored {self.stored!r}, "
            f"rebuilt {self.rebuilt!r}"
        )


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(row, name) for name in fields}


def reports_check(*, group_id: int | None = None) -> list[Difference]:
    """Every difference between the stored aggregates and a rebuild of them (empty: they agree)."""
    out: list[Difference] = []
    for round in _rounds(group_id).iterator():
        rows = figures_for_round(round)
        stored = RoundFigures.objects.filter(round_id=round.pk).first()
        stored_members = {
            r.membership_id: r for r in MemberRoundFigures.objects.filter(round_id=round.pk)
        }
        out.extend(_compare_suppliers(round, rows is not None))
        if rows is None:
            if stored is not None or stored_members:
                out.append(Difference(round.pk, None, "rows", "present", "none"))
            continue
        head, members = rows
        if stored is None:
            out.append(Difference(round.pk, None, "rows", "missing", "present"))
        else:
            out.extend(_compare(round.pk, None, stored, head, ROUND_FIELDS))
        for member in members:
            found = stored_members.pop(member.membership_id, None)
            if found is None:
                out.append(Difference(round.pk, member.membership_id, "rows", "missing", "present"))
            else:
                out.extend(_compare(round.pk, member.membership_id, found, member, MEMBER_FIELDS))
        for extra in stored_members:
            out.append(Difference(round.pk, extra, "rows", "present", "none"))
    return out


def _compare(
    round_id: int, member: int | None, stored: Any, rebuilt: Any, fields: tuple[str, ...]
) -> list[Difference]:
    a, b = _values(stored, fields), _values(rebuilt, fields)
    return [Difference(round_id, member, k, a[k], b[k]) for k in fields if a[k] != b[k]]


def _compare_suppliers(round: Any, has_figures: bool) -> list[Difference]:
    stored = {
        r.round_supplier_id: r for r in SupplierRoundFigures.objects.filter(round_id=round.pk)
    }
    rebuilt = supplier_rows_of_round(round, rounds_rows) if has_figures else []
    out: list[Difference] = []
    for row in rebuilt:
        found = stored.pop(row.round_supplier_id, None)
        if found is None:
            out.append(Difference(round.pk, None, "rows", "missing", "present", row.name))
        else:
            a, b = _values(found, SUPPLIER_FIELDS), _values(row, SUPPLIER_FIELDS)
            out.extend(
                Difference(round.pk, None, k, a[k], b[k], row.name)
                for k in SUPPLIER_FIELDS
                if a[k] != b[k]
            )
    out.extend(
        Difference(round.pk, None, "rows", "present", "none", extra.name)
        for extra in stored.values()
    )
    return out
