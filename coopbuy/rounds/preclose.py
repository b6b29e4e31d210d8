"""What closing a round now would do, worked out by the same engine the close uses, saving nothing.

The coordinator sees it before confirming a close: each supplier's total against its minimum, the
cases that fill, and the members who would get less than they asked, with the engine's reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopbuy.core.allocation import allocate
from coopbuy.groups.models import Membership
from coopbuy.rounds import adapters
from coopbuy.rounds.models import Round

# The engine's reason codes (coopbuy/core/explain.py), in words a coordinator reads at a glance.
REASONS = {
    "supplier_minimum_not_reached": gettext_lazy("the supplier's minimum order is not reached"),
    "max_cases": gettext_lazy("the product is limited to a number of cases"),
    "budget": gettext_lazy("their budget runs out"),
    "shared_proportionally": gettext_lazy("short cases are shared in proportion"),
    "later_orders_came_first": gettext_lazy("earlier orders filled the cases"),
    "case_not_filled": gettext_lazy("the orders do not fill another case"),
}


@dataclass(frozen=True)
class SupplierPreview:
    name: str
    goods: Decimal  # what would be ordered, at the supplier's prices
    asked: Decimal  # what members asked for (quantities only), at the supplier's prices
    minimum: Decimal
    ordered: bool
    cases: int
    delivery_fee: Decimal
    free_delivery_over: Decimal | None

    @property
    def below_minimum(self) -> bool:
        return not self.ordered and self.minimum > 0 and self.asked > 0

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.minimum - self.asked)


@dataclass(frozen=True)
class ShortLine:
    member: str
    product: str
    requested: int
    received: int
    code: str

    @property
    def reason(self) -> str:
        return str(REASONS.get(self.code) or _("the cases could not be filled"))


@dataclass(frozen=True)
class ClosePreview:
    suppliers: list[SupplierPreview]
    short: list[ShortLine]
    members: int  # members with a request
    members_short: int
    members_nothing: int  # members who would get nothing at all

    @property
    def nothing_ordered(self) -> bool:
        return not any(s.ordered for s in self.suppliers)

    @property
    def suppliers_below_minimum(self) -> list[SupplierPreview]:
        return [s for s in self.suppliers if s.below_minimum]


def close_preview(*, round: Round, time_limit: float = 3.0) -> ClosePreview:
    """Allocate the round as it stands, as `closing.round_close` would, and write nothing."""
    rp = adapters.problem_for_round(round)
    result = allocate(rp.problem, time_limit=time_limit, explain_result=True)
    cases: Counter[str] = Counter()
    for product in result.products:
        cases[rp.supplier_of[product.id]] += product.cases
    asked: dict[str, Decimal] = {}
    price = {p.id: p.unit_price for p in rp.problem.products}
    demand = rp.problem.demand
    for product_id, quantity in zip(demand.product, demand.quantity, strict=True):
        sid = rp.supplier_of[product_id]
        asked[sid] = asked.get(sid, Decimal(0)) + price[product_id] * quantity
    outcome = {s.id: s for s in result.suppliers}
    suppliers = []
    for s in rp.problem.suppliers:
        decided = outcome.get(s.id)
        suppliers.append(
            SupplierPreview(
                name=rp.names[s.id],
                goods=decided.goods if decided else Decimal(0),
                asked=asked.get(s.id, Decimal(0)).quantize(Decimal("0.01")),
                minimum=s.min_order_value,
                ordered=bool(decided and decided.ordered),
                cases=cases[s.id],
                delivery_fee=decided.delivery_fee if decided else Decimal(0),
                free_delivery_over=s.free_delivery_over,
            )
        )
    suppliers.sort(key=lambda s: s.name.lower())
    names = _member_names(round)
    short: list[ShortLine] = []
    requested: set[str] = set()
    got_any: set[str] = set()
    for e in result.explanations:
        if e.requested:
            requested.add(e.member)
        if e.received:
            got_any.add(e.member)
        if e.received < e.requested:
            short.append(
                ShortLine(
                    names.get(adapters.pk_of(e.member), e.member),
                    rp.names.get(e.product, e.product),
                    e.requested,
                    e.received,
                    e.code,
                )
            )
    short.sort(key=lambda line: (line.member.lower(), line.product.lower()))
    members_short = len({line.member for line in short})
    return ClosePreview(suppliers, short, len(requested), members_short, len(requested - got_any))


def _member_names(round: Round) -> dict[int, str]:
    rows = Membership.objects.filter(group_id=round.group_id).values_list(
        "pk", "user__display_name", "user__email"
    )
    return {pk: name or email.split("@", 1)[0] for pk, name, email in rows}
