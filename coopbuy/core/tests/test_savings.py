"""A round's report figures against rounds computed by hand."""

from __future__ import annotations

from decimal import Decimal as D

from coopbuy.core.pricing import PriceTier
from coopbuy.core.savings import (
    ChargeFacts,
    LineFacts,
    ProductFacts,
    SupplierFacts,
    fairness,
    round_figures,
)

SUPPLIER = SupplierFacts("s1", D("5.00"), D("30.00"))
OATS = ProductFacts("oats", "s1", 6, 2, D("2.00"), (PriceTier(2, D("1.80")),), D("1.80"), D("2.50"))
TEA = ProductFacts("tea", "s1", 4, 1, D("3.00"), (), D("3.00"), None)
LINES = [
    LineFacts("ann", "oats", 6, 0, 6, 0),
    LineFacts("ann", "tea", 2, 2, 2, 2),
    LineFacts("ben", "oats", 4, 2, 4, 2),
    LineFacts("cat", "oats", 2, 0, 0, 0),
]
CHARGES = {"ann": ChargeFacts(D("20.00"), D("2.50")), "ben": ChargeFacts(D("13.30"), D("2.50"))}


def test_a_hand_computed_round_gives_every_figure() -> None:
    f = round_figures(products=[OATS, TEA], suppliers=[SUPPLIER], lines=LINES, charges=CHARGES)
    ann, ben, cat = f.members
    # Ann: goods 6 x 1.80 + 4 x 3.00; retail (2.50 - 1.80) x 6; tiers (2.00 - 1.80) x 6 = 1.20;
    # alone her goods at base price are 24.00 < 30.00, so she would pay the 5.00 fee: 1.20 + 5.00
    # - her 2.50 share = 3.70.
    assert (ann.goods, ann.spend, ann.savings_retail, ann.savings_alone) == (
        D("22.80"), D("20.00"), D("4.20"), D("3.70"),
    )  # fmt: skip
    assert (ann.requested_units, ann.received_units, ann.tolerance_used, ann.fill) == (
        8, 8, 2, D("1.000"),
    )  # fmt: skip
    assert (ben.goods, ben.savings_retail, ben.savings_alone, ben.tolerance_offered) == (
        D("10.80"), D("4.20"), D("3.70"), 2,
    )  # fmt: skip
    assert (cat.spend, cat.savings_alone, cat.received_units, cat.fill) == (
        D("0.00"), D("0.00"), 0, D("0.000"),
    )  # fmt: skip
    assert f.members_ordering == 3
    assert (f.spend, f.goods, f.savings_retail, f.savings_alone) == (
        D("33.30"), D("33.60"), D("8.40"), D("7.40"),
    )  # fmt: skip
    assert (f.case_units, f.case_units_filled, f.case_fill) == (16, 16, D("1.000"))
    assert (f.requested_units, f.received_units, f.unmet_units) == (14, 12, 2)
    assert (f.tolerance_offered, f.tolerance_used) == (4, 4)
    # fills 1, 1, 0: demand 12/14 = 0.857; Jain (1 + 1 + 0)^2 / (3 x 2) = 0.667
    assert (f.demand_fill, f.lowest_fill, f.jain) == (D("0.857"), D("0.000"), D("0.667"))


def test_received_units_are_the_cases_capacity_and_leftovers_lower_the_fill() -> None:
    oats = ProductFacts(
        "oats", "s1", 6, 2, D("2.00"), (PriceTier(2, D("1.80")),), D("1.80"), None, 13
    )
    lines = [LineFacts("ann", "oats", 6, 0, 6, 0), LineFacts("ben", "oats", 4, 2, 4, 2)]
    f = round_figures(products=[oats], suppliers=[SUPPLIER], lines=lines, charges={})
    assert (f.case_units, f.case_units_filled, f.case_fill) == (13, 12, D("0.923"))
    assert f.savings_retail == D("0.00")  # no retail price, no claim


def test_saving_alone_is_negative_when_alone_would_have_had_free_delivery() -> None:
    # 20 units at the base price 2.00 reach the 30.00 threshold alone: no fee, no tier (1 case),
    # yet the member paid a 1.25 delivery share together.
    oats = ProductFacts("oats", "s1", 20, 1, D("2.00"), (PriceTier(2, D("1.80")),), D("2.00"), None)
    f = round_figures(
        products=[oats],
        suppliers=[SUPPLIER],
        lines=[LineFacts("ann", "oats", 20, 0, 20, 0)],
        charges={"ann": ChargeFacts(D("41.25"), D("1.25"))},
    )
    assert f.members[0].savings_alone == D("-1.25")


def test_fairness_with_nobody_asking_is_perfect_and_jain_matches_the_formula() -> None:
    assert fairness({"a": 0}, {}) == (D("1.000"), D("1.000"), D("1.000"))
    # ratios 1/2 and 1: Jain (1.5)^2 / (2 x 1.25) = 0.9
    assert fairness({"a": 2, "b": 3}, {"a": 1, "b": 3}) == (D("0.800"), D("0.500"), D("0.900"))
