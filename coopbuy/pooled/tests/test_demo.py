"""The demo's pooled round: closed, cases only the pool filled, books clean, seeded once."""

from __future__ import annotations

import pytest

from coopbuy.demo.pooled_seed import NAME, SLUG
from coopbuy.demo.seed import seed_demo
from coopbuy.federations.selectors import group_debts
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Transfer
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
    # The second group has paid the federation what it owed; the others still owe.
    federation = pool.federation
    debts = {d.group.pk: d.owed for d in group_debts(federation)}
    results_by_group = {r.group_id: r for r in results}
    settled = [pk for pk, owed in debts.items() if owed == 0]
    assert len(settled) == 1 and results_by_group[settled[0]].owed > 0
    transfers = Transfer.objects.count()
    seed_demo()
    assert PooledRound.objects.filter(federation__slug=SLUG).count() == 1
    assert Transfer.objects.count() == transfers
