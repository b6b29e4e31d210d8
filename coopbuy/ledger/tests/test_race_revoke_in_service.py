"""A treasurer demoted just before or just after a money service's own check (issue 15).

The service's check (`require_money_role`) locks the treasurer's membership row until the service
commits, and a role change locks the same row: a demotion committed just before the check is seen
("You are no longer a treasurer or coordinator ...", no money moves); one started just after it
waits until the money has moved and the service has committed. Before, the demotion went through
at once and the service posted regardless, as a treasurer who no longer was one.

PostgreSQL only (`coopbuy.testing.races`); the demotion runs on its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

import pytest
from django.db import connection

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.memberships import membership_change_role
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger import statements, treasury
from coopbuy.ledger.models import StatementLine, Transaction
from coopbuy.ledger.services import payment_reference_for
from coopbuy.ledger.statements import statement_confirm_matched, statement_import
from coopbuy.ledger.treasury import ledger_adjust, ledger_refund, ledger_top_up
from coopbuy.testing.races import (
    assert_revoked_just_after_the_check_waits_for_the_commit,
    assert_revoked_just_before_the_check_changes_nothing,
)

from .conftest import World, key, make_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


def _credit(w: World) -> None:
    ledger_top_up(membership=w.alice, amount=Decimal("30.00"), method="bank",
                  actor=w.coordinator, idempotency_key=key())  # fmt: skip


def _statement(w: World) -> None:
    reference = payment_reference_for(w.alice)
    statement_import(
        group=w.group, actor=w.coordinator, filename="march.csv",
        content=f"Date;Payer;Amount;Reference\n31/03/2026;A. Smith;20.00;{reference}\n".encode(),
        mapping={"date": 0, "amount": 2, "reference": 3, "counterparty": 1, "bank_id": None},
        date_format="%d/%m/%Y",
    )  # fmt: skip


def _posted(kind: str) -> Callable[[World], bool]:
    return lambda w: Transaction.objects.filter(group=w.group, kind=kind).exists()


@dataclass(frozen=True)
class Case:
    module: ModuleType  # where the service looks its check up
    prepare: Callable[[World], None]
    act: Callable[[World], object]  # the treasurer does it
    effect: Callable[[World], bool]  # whether the money moved


CASES = {
    "top-up": Case(
        treasury,
        lambda w: None,
        lambda w: ledger_top_up(membership=w.alice, amount=Decimal("20.00"), method="bank",
                                actor=w.treasurer, idempotency_key=key()),
        _posted("top_up"),
    ),
    "refund": Case(
        treasury,
        _credit,
        lambda w: ledger_refund(membership=w.alice, amount=Decimal("10.00"), method="bank",
                                actor=w.treasurer, idempotency_key=key()),
        _posted("refund"),
    ),
    "charge": Case(
        treasury,
        lambda w: None,
        lambda w: ledger_adjust(membership=w.alice, amount=Decimal("-4.50"), reason="broken jar",
                                actor=w.treasurer, idempotency_key=key()),
        _posted("adjustment"),
    ),
    "bank statement": Case(
        statements,
        _statement,
        lambda w: statement_confirm_matched(group=w.group, actor=w.treasurer),
        lambda w: StatementLine.objects.filter(group=w.group, status="booked").exists()
        or Transaction.objects.filter(group=w.group).exists(),
    ),
}  # fmt: skip


def _tess(w: World) -> Membership:
    return Membership.objects.get(group=w.group, user=w.treasurer)


def _demote(w: World) -> Callable[[], object]:
    return lambda: membership_change_role(membership=_tess(w), actor=w.coordinator, role="member")


@pytest.mark.parametrize("name", CASES)
def test_a_treasurer_demoted_just_before_the_services_check_moves_no_money(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], make_world()
    case.prepare(w)
    before = list(Transaction.objects.order_by("pk").values_list("pk", flat=True))
    assert_revoked_just_before_the_check_changes_nothing(
        monkeypatch, case.module, "require_money_role",
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
        refusal=AccessDenied,
        match=f"You are no longer a treasurer or coordinator of {w.group.name}",
    )  # fmt: skip
    assert _tess(w).role == "member"
    assert list(Transaction.objects.order_by("pk").values_list("pk", flat=True)) == before


@pytest.mark.parametrize("name", CASES)
def test_a_demotion_just_after_the_services_check_waits_until_the_money_has_moved(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, w = CASES[name], make_world()
    case.prepare(w)
    assert_revoked_just_after_the_check_waits_for_the_commit(
        monkeypatch, case.module, "require_money_role",
        revoke=_demote(w), act=lambda: case.act(w), effect=lambda: case.effect(w),
    )  # fmt: skip
    assert _tess(w).role == "member"
    demoted = AuditEvent.objects.get(action="membership.role_changed")
    assert not AuditEvent.objects.filter(actor=w.treasurer, pk__gt=demoted.pk).exists()
