from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from coopbuy.core.charges import ChargeLine, line_taxes, member_charges


def test_goods_deposit_vat_markup_and_delivery_add_up() -> None:
    lines = [
        ChargeLine("a", "s", 2, 310, D("0.2"), 10),  # net 620, deposit 20, VAT 128
        ChargeLine("a", "s", 1, 99, D("0"), 0),  # net 99, no VAT
        ChargeLine("b", "s", 3, 310, D("0.2"), 10),  # net 930, deposit 30, VAT 192
    ]
    charges = member_charges(lines, markup_rate=D("0.05"), delivery_fees={"s": 450})
    a, b = charges["a"], charges["b"]
    assert (a.goods, a.deposit, a.vat) == (719, 20, 128)
    assert a.markup == 43  # (719 + 20 + 128) x 5 % = 43.35
    assert (b.goods, b.deposit, b.vat, b.markup) == (930, 30, 192, 58)  # 1152 x 5 % = 57.6
    assert a.delivery + b.delivery == 450
    assert a.delivery == 196  # 450 x 719 / 1649 = 196.2
    assert a.total == 719 + 20 + 128 + 43 + 196
    assert a.supplier_gross == (("s", 719 + 20 + 128),)


def test_vat_is_rounded_per_supplier_so_supplier_totals_are_exact() -> None:
    lines = [
        ChargeLine("a", "s", 1, 5, D("0.2")),  # 1.0p VAT
        ChargeLine("a", "t", 1, 3, D("0.2")),  # 0.6p VAT -> 1
    ]
    a = member_charges(lines, markup_rate=D(0), delivery_fees={})["a"]
    assert a.vat == 2 and dict(a.supplier_gross) == {"s": 6, "t": 4}


def test_delivery_by_household_and_by_weight() -> None:
    lines = [
        ChargeLine("a", "s", 1, 100, weight_grams=1000),
        ChargeLine("b", "s", 10, 100, weight_grams=100),
        ChargeLine("c", "t", 1, 100, weight_grams=0),
    ]
    fees = {"s": 301, "t": 50}
    house = member_charges(lines, markup_rate=D(0), delivery_fees=fees, basis="household")
    assert {m: c.delivery for m, c in house.items()} == {"a": 151, "b": 150, "c": 50}
    weight = member_charges(lines, markup_rate=D(0), delivery_fees=fees, basis="weight")
    assert {m: c.delivery for m, c in weight.items()} == {"a": 151, "b": 150, "c": 50}


def test_members_without_lines_are_listed_with_zeros() -> None:
    charges = member_charges([], markup_rate=D("0.1"), delivery_fees={"s": 100}, members=["z"])
    assert charges["z"].total == 0


@given(
    st.lists(
        st.tuples(
            st.sampled_from("abcd"),
            st.sampled_from("st"),
            st.integers(0, 9),
            st.integers(0, 999),
            st.sampled_from([D(0), D("0.05"), D("0.2")]),
        ),
        max_size=12,
    ),
    st.integers(0, 2000),
    st.sampled_from(["value", "weight", "household"]),
)
def test_delivery_shares_sum_to_the_fees_of_suppliers_with_receivers(
    rows: list[tuple[str, str, int, int, D]], fee: int, basis: str
) -> None:
    lines = [ChargeLine(m, s, u, p, v, 0, 500) for m, s, u, p, v in rows]
    charges = member_charges(
        lines,
        markup_rate=D("0.03"),
        delivery_fees={"s": fee, "t": fee},
        basis=basis,  # type: ignore[arg-type]
    )
    receiving = {line.supplier for line in lines if line.units > 0}
    assert sum(c.delivery for c in charges.values()) == fee * len(receiving)
    for c in charges.values():
        assert c.total == c.goods + c.deposit + c.vat + c.markup + c.delivery >= 0
        assert sum(amount for _, amount in c.supplier_gross) == c.goods + c.deposit + c.vat


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["s1", "s2"]),
            st.integers(0, 40),
            st.integers(0, 5000),
            st.sampled_from([D(0), D("0.05"), D("0.2")]),
            st.integers(0, 200),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_line_taxes_add_up_to_the_vat_charged(
    rows: list[tuple[str, int, int, D, int]],
) -> None:
    lines = [
        ChargeLine("m", supplier, units, price, rate, deposit)
        for supplier, units, price, rate, deposit in rows
    ]
    charged = member_charges(lines, markup_rate=D(0), delivery_fees={}, members=["m"])["m"].vat
    taxes = line_taxes(lines)
    assert sum(taxes) == charged
    assert all(tax >= 0 for tax in taxes)
    assert all(tax == 0 for tax, line in zip(taxes, lines, strict=True) if line.units == 0)


def test_line_taxes_split_one_rounding_over_the_lines() -> None:
    # 3 lines of 0.35 at 20 %: VAT on 1.05 is 0.21, split 0.07 each.
    lines = [ChargeLine("m", "s", 1, 35, D("0.2")) for _ in range(3)]
    assert line_taxes(lines) == [7, 7, 7]
