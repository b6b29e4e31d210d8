"""`bulk_set`: many rows' fields set at once, exactly, on both databases, across batches."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy import bulk
from coopbuy.catalog.models import Supplier
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import make_group, make_user

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_and_others_are_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bulk, "BATCH", 2)  # three batches for five rows
    group = make_group(make_user("Cora"))
    suppliers = [make_supplier(group, name=f"S{i}", delivery_fee=Decimal("1.00")) for i in range(6)]
    chosen = suppliers[:5]
    bulk.bulk_set(
        Supplier,
        ["delivery_fee", "name"],
        [
            (s.pk, Decimal("0.01") * (i + 1) + Decimal("1234567.89"), f"N{i}")
            for i, s in enumerate(chosen)
        ],
    )
    got = {s.pk: (s.delivery_fee, s.name) for s in Supplier.objects.all()}
    for i, s in enumerate(chosen):
        assert got[s.pk] == (Decimal("1234567.89") + Decimal("0.01") * (i + 1), f"N{i}")
    assert got[suppliers[5].pk] == (Decimal("1.00"), "S5")


def test_no_rows_runs_no_query(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        bulk.bulk_set(Supplier, ["name"], [])
