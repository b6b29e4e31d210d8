"""A role taken away just before or just after a round service's own check (issue 15).

The service checks the actor's role inside its transaction and keeps their membership row locked
until it commits (`groups.permissions.require_role`); changing a role or ending a membership locks
the same row. So a revoke committed just before the check is seen ("You are no longer ...",
nothing written), and a revoke started just after it waits until the service has committed: the
write and the revoke never overlap. Before, the check read the row without a lock and the revoke
went through at once, then the close, the receiving or the settling went on regardless.

PostgreSQL only (`coopbuy.testing.races`); the revoke runs on its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

import pytest
from django.db import connection

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.memberships import membership_change_role, membership_remove
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.invoice_models import Invoice
from coopbuy.ledger.models import Transaction
from coopbuy.rounds import billing, closing, receiving, services
from coopbuy.rounds.billing import round_settle
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Allocation, ReceivingRecord, Round, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set, round_cancel
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.races import (
    assert_revoked_just_after_the_check_waits_for_the_commit,
    assert_revoked_just_before_the_check_changes_nothing,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


@dataclass
class World:
    round: Round
    cora: Membership  # coordinates, and takes Carl's role away
    carl: Membership  # the coordinator acting
    mo: Membership  # a member with an order
    oats: RoundProduct


def _world() -> World:
    cora, mo = make_user("Cora"), make_user("Mo")
    group = make_group(cora)
    carl = add_member(group, make_user("Carl"), role="coordinator")
    member = add_member(group, mo)
    make_product(make_supplier(group), name="Oats", case_size=2, unit_price=Decimal("1.50"))
    round = open_round(group, cora, list(group.suppliers.all()))
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=mo, product_id=oats.pk, quantity=2, tolerance=0)
    return World(round, Membership.objects.get(group=group, user=cora), carl, member, oats)


def _closed(w: World) -> None:
    round_close(round=w.round, actor=w.cora.user)


def _received(w: World) -> None:
    _closed(w)
    round_receive_product(round=w.round, actor=w.cora.user, product_id=w.oats.pk, units_received=2)


@dataclass(frozen=True)
class Case:
    module: ModuleType  # where the service looks its check up
    check: str
    call: int  # which call of the check is the service's own (under its locks)
    prepare: Callable[[World], None]
    act: Callable[[World], object]  # Carl does it
    effect: Callable[[World], bool]  # whether the write happened


CASES = {
    "close": Case(
        closing, "require_round_coordinator", 2,  # the first is before the solver runs
        lambda w: None,
        lambda w: round_close(round=w.round, actor=w.carl.user),
        lambda w: Round.objects.get(pk=w.round.pk).status == Round.Status.CLOSED
        or Allocation.objects.filter(round=w.round).exists()
        or Transaction.objects.filter(source_kind="round", source_id=w.round.pk).exists(),
    ),
    "cancel": Case(
        services, "require_round_coordinator", 1,
        lambda w: None,
        lambda w: round_cancel(round=w.round, actor=w.carl.user, reason="no van"),
        lambda w: Round.objects.get(pk=w.round.pk).status == Round.Status.CANCELLED,
    ),
    "receive": Case(
        receiving, "require_round_coordinator", 1,
        _closed,
        lambda w: round_receive_product(
            round=w.round, actor=w.carl.user, product_id=w.oats.pk, units_received=1
        ),
        lambda w: ReceivingRecord.objects.filter(product=w.oats).exists(),
    ),
    "settle": Case(
        billing, "require_round_coordinator", 1,
        _received,
        lambda w: round_settle(round=w.round, actor=w.carl.user),
        lambda w: Round.objects.get(pk=w.round.pk).status == Round.Status.SETTLED
        or Invoice.objects.exists(),
    ),
}  # fmt: skip


def _demote(w: World) -> Callable[[], object]:
    return lambda: membership_change_role(membership=w.carl, actor=w.cora.user, role="member")


def _remove(w: World) -> Callable[[], object]:
    return lambda: membership_remove(membership=w.carl, actor=w.cora.user)


@pytest.mark.parametrize("name", CASES)
def test_a_coordinator_demoted_just_before_the_services_check_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], _world()
    case.prepare(w)
    assert_revoked_just_before_the_check_changes_nothing(
        monkeypatch, case.module, case.check, call=case.call,
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
        refusal=AccessDenied, match=f"You are no longer a coordinator of {w.round.group}",
    )  # fmt: skip
    assert Membership.objects.get(pk=w.carl.pk).role == "member"


def test_a_coordinator_removed_just_before_the_close_checks_closes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case, w = CASES["close"], _world()
    assert_revoked_just_before_the_check_changes_nothing(
        monkeypatch, case.module, case.check, call=case.call,
        revoke=_remove(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
        refusal=AccessDenied, match=f"You are no longer a member of {w.round.group}",
    )  # fmt: skip
    assert Membership.objects.get(pk=w.carl.pk).ended_at is not None


@pytest.mark.parametrize("name", CASES)
def test_a_demotion_just_after_the_services_check_waits_until_the_service_has_committed(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], _world()
    case.prepare(w)
    assert_revoked_just_after_the_check_waits_for_the_commit(
        monkeypatch, case.module, case.check, call=case.call,
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
    )  # fmt: skip
    assert Membership.objects.get(pk=w.carl.pk).role == "member"
    demoted = AuditEvent.objects.get(action="membership.role_changed", subject=w.carl.user)
    assert not AuditEvent.objects.filter(actor=w.carl.user, pk__gt=demoted.pk).exists()
