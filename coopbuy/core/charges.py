"""What a member pays for a round, exact to the penny.

A member's charge is built from their allocation lines (units x the applied net unit price):

- `goods`: the sum of units x applied net price (exact, no rounding);
- `deposit`: the sum of units x deposit (exact);
- `vat`: per supplier and VAT rate, (goods + deposit at that rate) x rate, rounded once per
  member, supplier and rate (invoice-level VAT per rate, as UK and EU rules allow; rounding per
  line would drift by pennies). Per supplier so that what members pay for a supplier's goods
  (`supplier_gross`: goods + deposit + VAT) adds up exactly to what the group owes that supplier;
- `markup`: (goods + deposit + VAT) x the round's markup rate, rounded once: the markup comes on
  top of the gross price, Foodsoft's order of operations (`pricing.gross_price`);
- `delivery`: the member's share of each ordered supplier's delivery fee, among the members who
  receive something from that supplier, by the round's basis: `value` (pro rata to goods value
  from that supplier: allocation rule 6, the default), `weight` (pro rata to grams; all unknown
  weights: equally) or `household` (equal parts). Remainder pennies: the largest shares first,
  ties by member id (`costshare.share_minor`). The fee is passed on as the supplier charges it.
- `total`: the sum of the five.

Rounding is `money.quantize`'s rule (half away from zero), applied to integers of minor units.
Per collection point sharing is not offered yet (there are no collection points to hang it on).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from coopbuy.core.costshare import share_minor

Basis = Literal["value", "weight", "household"]
BASES: tuple[Basis, ...] = ("value", "weight", "household")


@dataclass(frozen=True, slots=True)
class ChargeLine:
    """One allocation line; money in integer minor units, `vat_rate` a fraction (0.2 = 20 %)."""

    member: str
    supplier: str
    units: int
    unit_price: int
    vat_rate: Decimal = Decimal(0)
    deposit: int = 0
    weight_grams: int = 0


@dataclass(frozen=True, slots=True)
class MemberCharge:
    member: str
    goods: int
    deposit: int
    vat: int
    markup: int
    delivery: int
    supplier_gross: tuple[tuple[str, int], ...] = ()  # (supplier, goods + deposit + VAT), sorted

    @property
    def total(self) -> int:
        return self.goods + self.deposit + self.vat + self.markup + self.delivery


def round_half_up(value: Decimal) -> int:
    """An amount in minor units, rounded to a whole minor unit by the core's one rule."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def member_charges(
    lines: Iterable[ChargeLine],
    *,
    markup_rate: Decimal,
    delivery_fees: Mapping[str, int],
    basis: Basis = "value",
    members: Iterable[str] = (),
) -> dict[str, MemberCharge]:
    """Every member's charge; `members` lists those to include even with nothing allocated."""
    if basis not in BASES:
        raise ValueError(f"unknown delivery basis {basis!r}")
    goods: dict[str, int] = dict.fromkeys(members, 0)
    deposit: dict[str, int] = dict.fromkeys(goods, 0)
    taxable: dict[str, dict[tuple[str, Decimal], int]] = {}
    by_supplier: dict[str, dict[str, int]] = {}
    for line in lines:
        if line.units <= 0:
            continue
        m = line.member
        net = line.units * line.unit_price
        dep = line.units * line.deposit
        goods[m] = goods.get(m, 0) + net
        deposit[m] = deposit.get(m, 0) + dep
        rates = taxable.setdefault(m, {})
        key = (line.supplier, line.vat_rate)
        rates[key] = rates.get(key, 0) + net + dep
        weights = by_supplier.setdefault(line.supplier, {})
        if basis == "value":
            weight = net
        elif basis == "weight":
            weight = line.units * line.weight_grams
        else:
            weight = 1
        weights[m] = weights.get(m, 0) + weight if basis != "household" else 1
    delivery: dict[str, int] = dict.fromkeys(goods, 0)
    for supplier, fee in delivery_fees.items():
        receivers = by_supplier.get(supplier)
        if not fee or not receivers:
            continue
        for m, part in share_minor(fee, receivers).items():
            delivery[m] += part
    result: dict[str, MemberCharge] = {}
    for m in sorted(goods):
        per_supplier: dict[str, int] = {}
        vat = 0
        for (supplier, rate), amount in taxable.get(m, {}).items():
            tax = round_half_up(amount * rate)
            vat += tax
            per_supplier[supplier] = per_supplier.get(supplier, 0) + amount + tax
        gross = goods[m] + deposit[m] + vat
        markup = round_half_up(gross * markup_rate)
        result[m] = MemberCharge(
            m, goods[m], deposit.get(m, 0), vat, markup, delivery[m],
            tuple(sorted(per_supplier.items())),
        )  # fmt: skip
    return result


def line_taxes(lines: Sequence[ChargeLine]) -> list[int]:
    """Each line's VAT, so that a member's invoice lines add up to their charge to the penny.

    `member_charges` rounds VAT once per (member, supplier, rate); that amount is spread over the
    lines of the group pro rata to their net + deposit (`costshare.share_minor`: remainder pennies
    to the largest shares, then by position), so the lines' VAT sums exactly to what was charged.
    """
    groups: dict[tuple[str, str, Decimal], list[int]] = {}
    for index, line in enumerate(lines):
        if line.units > 0:
            groups.setdefault((line.member, line.supplier, line.vat_rate), []).append(index)
    taxes = [0] * len(lines)
    for (_member, _supplier, rate), indexes in groups.items():
        bases = {
            f"{i:09d}": lines[i].units * (lines[i].unit_price + lines[i].deposit) for i in indexes
        }
        total = round_half_up(sum(bases.values()) * rate)
        for key, share in share_minor(total, bases).items():
            taxes[int(key)] = share
    return taxes
