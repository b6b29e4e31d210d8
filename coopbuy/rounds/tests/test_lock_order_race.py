"""One lock order everywhere: top-ups, refunds and a round's close at once never deadlock.

PostgreSQL only (SQLite serialises writers on the database file). Each try opens a round in which
every member ordered, then starts a close, top-ups and refunds on the same members at one barrier.
Before docs/adr/0005 the close locked the group row FOR UPDATE with the round, and a top-up's
foreign-key check on that row at commit waited for it while holding the member's account, which
the close needed next: "deadlock detected" in about one try in five.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from coopbuy.ledger.checks import check_group
from coopbuy.ledger.keys import user_key
from coopbuy.ledger.treasury import ledger_refund, ledger_top_up
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

TRIES = 50
MEMBERS = 4
BUDGET_SECONDS = 240  # the whole test, on a busy 2-core machine


def test_top_ups_refunds_and_a_close_at_once_never_deadlock() -> None:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    treasurer = add_member(group, role="treasurer").user
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=MEMBERS, unit_price=Decimal("1.00"))
    members = [add_member(group) for _ in range(MEMBERS)]
    for m in members:
        ledger_top_up(
            membership=m, amount=Decimal("500.00"), method="bank", actor=treasurer,
            idempotency_key=user_key(owner="test", key=f"seed-{m.pk}"),
        )  # fmt: skip
    started = time.monotonic()
    failures: list[str] = []
    closed = 0
    for attempt in range(TRIES):
        round = open_round(group, coordinator, [supplier], name=f"Try {attempt}")
        oats = RoundProduct.objects.get(round=round)
        for m in members:
            basket_set(round=round, user=m.user, product_id=oats.pk, quantity=1, tolerance=0)
        jobs: list[Callable[..., object]] = [
            lambda round=round: round_close(round=round, actor=coordinator)
        ]
        for i, m in enumerate(members):
            key = user_key(owner="test", key=f"{attempt}-{i}")
            if i % 2:
                jobs.append(
                    lambda m=m, key=key: ledger_refund(
                        membership=m,
                        amount=Decimal("1.00"),
                        method="bank",
                        actor=treasurer,
                        idempotency_key=key,
                    )
                )
            else:
                jobs.append(
                    lambda m=m, key=key: ledger_top_up(
                        membership=m,
                        amount=Decimal("2.00"),
                        method="cash",
                        actor=treasurer,
                        idempotency_key=key,
                    )
                )
        barrier = threading.Barrier(len(jobs))

        def run(job: Callable[[], object], barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait(10)
                job()
            except OperationalError as error:
                failures.append(str(error).splitlines()[0])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
            assert not thread.is_alive(), f"try {attempt}: a thread is still waiting after 30 s"
        closed += Round.objects.get(pk=round.pk).status == Round.Status.CLOSED
        assert time.monotonic() - started < BUDGET_SECONDS, f"{attempt + 1} tries took too long"
    assert failures == []
    assert closed == TRIES
    assert check_group(group).problems == []


def test_a_slow_solve_does_not_block_a_basket_change_and_the_change_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The solver runs before the round's lock; the demand is read again under it and re-solved."""
    from coopbuy.rounds import closing

    coordinator, ann = make_user("Cora"), make_user("Ann")
    group = make_group(coordinator)
    add_member(group, ann)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=2, unit_price=Decimal("1.00"))
    round = open_round(group, coordinator, [supplier])
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=2, tolerance=0)
    from coopbuy.core.allocation import allocate as real_allocate

    solving, solves = threading.Event(), []

    def slow_allocate(*args: Any, **kwargs: Any) -> Any:
        solves.append(1)
        if len(solves) == 1:
            solving.set()
            time.sleep(3)  # an `optimal` solve that takes its time
        return real_allocate(*args, **kwargs)

    monkeypatch.setattr(closing, "allocate", slow_allocate)

    def close() -> None:
        try:
            round_close(round=round, actor=coordinator)
        finally:
            connections.close_all()

    closer = threading.Thread(target=close)
    closer.start()
    assert solving.wait(10)
    began = time.monotonic()
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=4, tolerance=0)
    waited = time.monotonic() - began
    closer.join(30)
    assert waited < 1.5, f"the basket change waited {waited:.1f} s for the solver"
    assert len(solves) == 2  # the demand changed under the first solve: solved again
    oats.refresh_from_db()
    assert oats.cases == 2  # Ann's 4 units, not the 2 she had when the first solve began
