"""An employer's subsidy of its employees' round charges, exact to the penny.

A programme's rules, applied in their order (by id), each to every member charged in a round:

- `delivery`: the employer pays the member's share of the delivery fee;
- `goods_percent`: the employer pays P % of the member's goods (0 < P <= 100), where the goods
  are everything on the member's charge but the delivery share (goods, deposit, VAT and the
  group's markup: what the member pays for the products), rounded half up to the penny.

A rule may cap what it pays one member in one calendar month (`monthly_cap`, minor units, >= 0):
what earlier rounds of the month already paid under that rule (`used`) counts against it, so two
rounds in one month never pay more than the cap together.

The fund: rules draw on it in their order. When what a rule wants for the round is more than is
left, the rule's `when_dry` decides: `nothing` pays nobody under that rule in this round, and
`partial` shares what is left pro rata to what each member would have had; the remainder pennies
go to the largest fractional parts first, ties to the lower member id. Nobody ever gets more than
the rule wanted for them, and the round never pays out more than the fund holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

RuleKind = Literal["delivery", "goods_percent"]
WhenDry = Literal["partial", "nothing"]
HUNDRED = Decimal(100)


class RuleInvalid(ValueError):
    """A rule the arithmetic refuses; `field` names what is wrong."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    kind: RuleKind
    percent: Decimal | None = None  # goods_percent only: 0 < percent <= 100
    monthly_cap: int | None = None  # minor units per member per calendar month; None: no cap
    when_dry: WhenDry = "partial"

    def __post_init__(self) -> None:
        rule_problem(self.kind, self.percent, self.monthly_cap, self.when_dry)


@dataclass(frozen=True, slots=True)
class Charge:
    """A member's charge for the round, in minor units."""

    member: int
    goods: int  # everything but the delivery share
    delivery: int


def rule_problem(
    kind: str, percent: Decimal | None, monthly_cap: int | None, when_dry: str
) -> None:
    """Raise `RuleInvalid` naming the field when a rule cannot be applied."""
    if kind not in ("delivery", "goods_percent"):
        raise RuleInvalid("unknown kind of subsidy", "kind")
    if kind == "goods_percent":
        if percent is None:
            raise RuleInvalid("a percentage of goods needs the percentage", "percent")
        if percent <= 0:
            raise RuleInvalid("the percentage must be above zero", "percent")
        if percent > HUNDRED:
            raise RuleInvalid("the percentage cannot be above 100 %", "percent")
    if monthly_cap is not None and monthly_cap < 0:
        raise RuleInvalid("the monthly cap cannot be below zero", "monthly_cap")
    if when_dry not in ("partial", "nothing"):
        raise RuleInvalid("choose what happens when the fund runs dry", "when_dry")


def wanted(rule: Rule, charge: Charge) -> int:
    """What the rule would pay for this charge, before caps and the fund."""
    if rule.kind == "delivery":
        return max(charge.delivery, 0)
    assert rule.percent is not None
    exact = Decimal(max(charge.goods, 0)) * rule.percent / HUNDRED
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def room_left(rule: Rule, used: int) -> int | None:
    """How much more the cap allows one member this month (None: no cap)."""
    if rule.monthly_cap is None:
        return None
    return max(rule.monthly_cap - used, 0)


def share_pro_rata(total: int, weights: Mapping[int, int]) -> dict[int, int]:
    """`total` split pro rata to `weights` (all > 0, summing to more than `total`).

    Floors first; the remainder pennies go to the largest fractional parts, ties to the lower
    member id. Each part is at most its weight.
    """
    whole = sum(weights.values())
    parts = {m: total * w // whole for m, w in weights.items()}
    left = total - sum(parts.values())
    order = sorted(weights, key=lambda m: (-(total * weights[m] % whole), m))
    for member in order[:left]:
        parts[member] += 1
    return parts


def subsidise(
    rules: Sequence[Rule],
    charges: Sequence[Charge],
    *,
    used: Mapping[tuple[int, int], int],
    fund: int,
) -> dict[tuple[int, int], int]:
    """What each rule pays each member, keyed (rule id, member); zero amounts left out.

    `used`: what each (rule id, member) was already paid this calendar month. `fund`: what the
    fund holds now (below zero counts as empty).
    """
    left = max(fund, 0)
    paid: dict[tuple[int, int], int] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        want: dict[int, int] = {}
        for charge in charges:
            amount = wanted(rule, charge)
            room = room_left(rule, used.get((rule.id, charge.member), 0))
            if room is not None:
                amount = min(amount, room)
            if amount > 0:
                want[charge.member] = want.get(charge.member, 0) + amount
        if not want:
            continue
        total = sum(want.values())
        if total <= left:
            given = want
        elif rule.when_dry == "nothing" or left == 0:
            given = {}
        else:
            given = share_pro_rata(left, want)
        for member, amount in given.items():
            if amount > 0:
                paid[(rule.id, member)] = amount
                left -= amount
    return paid
