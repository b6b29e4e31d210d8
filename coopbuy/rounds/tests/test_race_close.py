"""Races around a round's close (PostgreSQL; SQLite serialises writers on the file):
two coordinators closing at once close it once, and a coordinator demoted while their close is
being solved closes nothing (the role is checked again under the round's lock)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.memberships import membership_change_role
from coopbuy.groups.models import Membership
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Transaction
from coopbuy.rounds import adapters, closing
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _round_with_orders() -> tuple[Round, Any, Any]:
    cora, carl = make_user("Cora"), make_user("Carl")
    group = make_group(cora)
    add_member(group, carl, role="coordinator")
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=2, unit_price=Decimal("1.50"))
    round = open_round(group, cora, [supplier])
    oats = RoundProduct.objects.get(round=round)
    for _ in range(2):
        basket_set(round=round, user=add_member(group).user, product_id=oats.pk,
                   quantity=1, tolerance=0)  # fmt: skip
    return round, cora, carl


def test_two_coordinators_closing_at_once_close_it_once() -> None:
    round, cora, carl = _round_with_orders()
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def close(actor: Any) -> None:
        try:
            barrier.wait(10)
            outcomes.append(closing.round_close(round=round, actor=actor).closed_now)
        except Exception as error:
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(who,)) for who in (cora, carl)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(map(str, outcomes)) == ["False", "True"], outcomes
    assert Round.objects.get(pk=round.pk).status == Round.Status.CLOSED
    assert Allocation.objects.filter(round=round).count() == 2
    assert MemberRoundCharge.objects.filter(round=round).count() == 2
    assert Transaction.objects.filter(source_kind="round", source_id=round.pk).count() == 1
    assert AuditEvent.objects.filter(action="round.closed").count() == 1
    assert check_group(round.group).problems == []


def test_a_coordinator_demoted_while_their_close_is_solved_closes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    round, cora, carl = _round_with_orders()
    solve_reads = adapters.problem_for_round
    demoted = threading.Event()

    def demote_carl_meanwhile(r: Round) -> adapters.RoundProblem:
        problem = solve_reads(r)
        if not demoted.is_set():  # another request, on its own connection, commits first

            def demote() -> None:
                try:
                    membership = Membership.objects.get(group=round.group, user=carl)
                    membership_change_role(membership=membership, actor=cora, role="member")
                finally:
                    connections.close_all()

            worker = threading.Thread(target=demote)
            worker.start()
            worker.join(30)
            demoted.set()
        return problem

    monkeypatch.setattr(adapters, "problem_for_round", demote_carl_meanwhile)
    with pytest.raises(PermissionDenied):
        closing.round_close(round=round, actor=carl)
    assert demoted.is_set()
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    assert not Allocation.objects.filter(round=round).exists()
    assert not Transaction.objects.filter(source_kind="round", source_id=round.pk).exists()
    assert not AuditEvent.objects.filter(action="round.closed").exists()
