"""The demo's pooled round: closed, cases only the pool filled, books clean, seeded once."""

from __future__ import annotations

import pytest

from coopbuy.demo.pooled_seed import NAME, SLUG
from coopbuy.demo.seed import seed_demo
from coopbuy.ledger.checks import check_books
from coopbuy.pooled.models import PooledDrop, PooledGroupResult, PooledRound

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_pooled_round_that_filled_cases_no_group_could_alone() -> None:
    seed_demo()
    pool = PooledRound.objects.get(federation__slug=SLUG, name=NAME)
    assert pool.status == "closed" and pool.ordered
    results = list(PooledGroupResult.objects.filter(pool=pool))
    assert len(results) == 3
    assert all(r.extra_cases >= 1 for r in results)
    assert all(d.alone_cases == 0 for d in PooledDrop.objects.filter(pool=pool, units__gt=0))
    assert sum(r.pooling_saving for r in results) > 0  # the drop fee is less than the fee alone
    assert [p for r in check_books() for p in r.problems] == []
    seed_demo()
    assert PooledRound.objects.filter(federation__slug=SLUG).count() == 1
