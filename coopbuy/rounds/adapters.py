"""ORM rows <-> `coopbuy.core` dataclasses: the only place where the two meet.

Ids in the core problem are `m<membership pk>`, `p<round product pk>` and `s<round supplier pk>`;
`names_in` turns them back into names in the engine's sentences. Everything is read with
`values_list` and built column by column (a big round has hundreds of thousands of demand rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from coopbuy.bulk import bulk_insert, bulk_set
from coopbuy.core.charges import ChargeLine, MemberCharge, member_charges
from coopbuy.core.money import from_minor, to_minor
from coopbuy.core.pricing import PriceTier
from coopbuy.core.problem import (
    AllocationResult,
    Demand,
    DemandRow,
    Member,
    Policy,
    Problem,
    Product,
    Supplier,
)
from coopbuy.rounds.models import (
    Allocation,
    DemandLine,
    MemberBudget,
    MemberRoundCharge,
    Round,
    RoundProduct,
    RoundSupplier,
)

_TOKEN = re.compile(r"\b[mps]\d+\b")
ALLOCATION_FIELDS = (
    "round_id", "membership_id", "product_id", "requested", "units", "from_quantity",
    "from_tolerance", "amount", "explanation_code", "explanation",
)  # fmt: skip
CHARGE_FIELDS = (
    "round_id", "membership_id", "goods", "deposit", "vat", "markup", "delivery", "total",
    "collection_note",
)  # fmt: skip


def member_id(pk: int) -> str:
    return f"m{pk}"


def product_id(pk: int) -> str:
    return f"p{pk}"


def supplier_id(pk: int) -> str:
    return f"s{pk}"


def pk_of(core_id: str) -> int:
    return int(core_id[1:])


def tiers_of(raw: Iterable[Iterable[object]]) -> tuple[PriceTier, ...]:
    """`RoundProduct.tiers` ([[min_cases, "2.90"], ...]) as core tiers."""
    return tuple(PriceTier(int(str(c)), Decimal(str(p))) for c, p in raw)


@dataclass(frozen=True)
class RoundProblem:
    problem: Problem
    names: dict[str, str]  # core id -> a name people know
    supplier_of: dict[str, str]  # product id -> supplier id
    terms: dict[str, tuple[Decimal, int, int]]  # product id -> (VAT rate, deposit, grams)


def problem_for_round(round: Round) -> RoundProblem:
    """The allocation problem of a round, read in three queries."""
    names: dict[str, str] = {}
    suppliers = []
    for pk, name, minimum, fee, free in RoundSupplier.objects.filter(round=round).values_list(
        "pk", "name", "min_order_value", "delivery_fee", "free_delivery_over"
    ):
        suppliers.append(Supplier(supplier_id(pk), minimum, fee, free))
        names[supplier_id(pk)] = name
    products = []
    supplier_of: dict[str, str] = {}
    terms: dict[str, tuple[Decimal, int, int]] = {}
    for (
        pk,
        sup,
        name,
        size,
        price,
        tiers,
        min_c,
        max_c,
        retail,
        vat,
        deposit,
        grams,
    ) in RoundProduct.objects.filter(round=round).values_list(
        "pk",
        "supplier_id",
        "name",
        "case_size",
        "unit_price",
        "tiers",
        "min_cases",
        "max_cases",
        "retail_unit_price",
        "vat_rate",
        "deposit",
        "weight_grams",
    ):
        pid = product_id(pk)
        terms[pid] = (vat, to_minor(deposit), grams or 0)
        products.append(
            Product(pid, supplier_id(sup), size, price, tiers_of(tiers), min_c, max_c, retail)
        )
        names[pid] = name
        supplier_of[pid] = supplier_id(sup)
    rows = list(
        DemandLine.objects.filter(round=round)
        .order_by("placed_at", "id")
        .values_list("membership_id", "product_id", "quantity", "tolerance", "placed_at")
    )
    if rows:
        members, prods, quantity, tolerance, placed_at = zip(*rows, strict=True)
        demand = Demand(
            tuple([f"m{m}" for m in members]),
            tuple([f"p{p}" for p in prods]),
            quantity,
            tolerance,
            placed_at,
        )
    else:
        demand = Demand()
    members = tuple(
        Member(member_id(m), amount)
        for m, amount in MemberBudget.objects.filter(round=round)
        .order_by("membership_id")
        .values_list("membership_id", "amount")
    )
    policy = cast(Policy, round.policy)
    problem = Problem(round.currency, tuple(suppliers), tuple(products), members, demand, policy)
    return RoundProblem(problem, names, supplier_of, terms)


def names_in(text: str, names: dict[str, str]) -> str:
    """The engine's sentence with our ids replaced by product and supplier names."""
    return _TOKEN.sub(lambda match: names.get(match.group(0), match.group(0)), text)


def demand_rows_for_product(product: RoundProduct) -> list[DemandRow]:
    return [
        DemandRow(member_id(m), product_id(product.pk), q, t, at)
        for m, q, t, at in DemandLine.objects.filter(product=product)
        .order_by("placed_at", "id")
        .values_list("membership_id", "quantity", "tolerance", "placed_at")
    ]


def charges_for_round(round: Round) -> dict[int, MemberCharge]:
    """Every member's charge from the round's allocations as they stand now (by membership pk)."""
    lines: list[ChargeLine] = []
    members: set[int] = set()
    for m, sup, units, price, vat, deposit, weight in Allocation.objects.filter(
        round=round
    ).values_list(
        "membership_id",
        "product__supplier_id",
        "units",
        "product__applied_unit_price",
        "product__vat_rate",
        "product__deposit",
        "product__weight_grams",
    ):
        members.add(m)
        if units and sup is not None and price is not None:
            lines.append(
                ChargeLine(
                    member_id(m),
                    supplier_id(sup),
                    units,
                    to_minor(price),
                    vat,
                    to_minor(deposit),
                    weight or 0,
                )
            )
    fees = {
        supplier_id(pk): to_minor(fee)
        for pk, fee in RoundSupplier.objects.filter(round=round).values_list(
            "pk", "applied_delivery_fee"
        )
    }
    charges = member_charges(
        lines,
        markup_rate=round.markup_rate,
        delivery_fees=fees,
        basis=round.delivery_share,  # type: ignore[arg-type]
        members=[member_id(m) for m in members],
    )
    return {pk_of(k): v for k, v in charges.items()}


@dataclass(frozen=True)
class MemberLine:
    """One line of a member's result, for their email: names, not ids."""

    product: str
    requested: int
    units: int
    amount: Decimal
    explanation: str


def freeze_result(
    round: Round, rp: RoundProblem, result: AllocationResult
) -> tuple[dict[int, list[MemberLine]], dict[int, MemberCharge]]:
    """Write the engine's result: product cases and prices, allocations, charges (all bulk).

    Returns each member's lines and charge (by membership pk) for the emails.
    """
    mu = 2
    price_minor: dict[str, int] = {}
    products: list[tuple[object, ...]] = []
    for pr in result.products:
        price_minor[pr.id] = to_minor(pr.unit_price, mu)
        products.append((pk_of(pr.id), pr.cases, pr.unit_price))
    bulk_set(RoundProduct, ["cases", "applied_unit_price"], products)
    fees: dict[str, int] = {}
    suppliers: list[tuple[object, ...]] = []
    for sr in result.suppliers:
        fees[sr.id] = to_minor(sr.delivery_fee, mu)
        suppliers.append((pk_of(sr.id), sr.ordered, sr.goods, sr.delivery_fee))
    bulk_set(RoundSupplier, ["ordered", "goods", "applied_delivery_fee"], suppliers)
    table = result.allocations
    got = {
        (m, p): (q, t)
        for m, p, q, t in zip(
            table.member, table.product, table.from_quantity, table.from_tolerance, strict=True
        )
    }
    names = rp.names
    named: dict[str, str] = {}
    lines_of: dict[int, list[MemberLine]] = {}
    charge_lines: list[ChargeLine] = []
    rows: list[tuple[object, ...]] = []
    members: set[str] = set()
    for e in result.explanations:
        q, t = got.get((e.member, e.product), (0, 0))
        units = q + t
        amount_minor = units * price_minor[e.product]
        text = named.get(e.text)
        if text is None:  # the same sentence recurs for many members: name its ids once
            text = named[e.text] = names_in(e.text, names)[:300]
        membership = pk_of(e.member)
        product = pk_of(e.product)
        members.add(e.member)
        amount = from_minor(amount_minor, mu)
        rows.append((round.pk, membership, product, e.requested, units, q, t, amount, e.code, text))
        lines_of.setdefault(membership, []).append(
            MemberLine(names[e.product], e.requested, units, amount, text)
        )
        if units:
            vat, deposit, grams = rp.terms[e.product]
            charge_lines.append(
                ChargeLine(
                    e.member,
                    rp.supplier_of[e.product],
                    units,
                    price_minor[e.product],
                    vat,
                    deposit,
                    grams,
                )
            )
    bulk_insert(Allocation, ALLOCATION_FIELDS, rows)
    del rows
    charges = member_charges(
        charge_lines,
        markup_rate=round.markup_rate,
        delivery_fees=fees,
        basis=round.delivery_share,  # type: ignore[arg-type]
        members=members,
    )
    by_pk = {pk_of(k): v for k, v in charges.items()}
    bulk_insert(
        MemberRoundCharge,
        CHARGE_FIELDS,
        [
            (
                round.pk,
                pk,
                from_minor(c.goods),
                from_minor(c.deposit),
                from_minor(c.vat),
                from_minor(c.markup),
                from_minor(c.delivery),
                from_minor(c.total),
                "",
            )
            for pk, c in by_pk.items()
        ],
    )
    return lines_of, by_pk


def charge_row(round: Round, membership_pk: int, c: MemberCharge) -> MemberRoundCharge:
    return MemberRoundCharge(
        round_id=round.pk,
        membership_id=membership_pk,
        goods=from_minor(c.goods),
        deposit=from_minor(c.deposit),
        vat=from_minor(c.vat),
        markup=from_minor(c.markup),
        delivery=from_minor(c.delivery),
        total=from_minor(c.total),
    )
