"""A federation role ended just before or just after a federation service's own check.

Like a group's (docs/adr/0005, point 6): the service checks the actor's federation role inside
its transaction and keeps their role row locked until it commits
(`federations.permissions.require_federation_role`), and ending a role locks the federation's
active roles. So a role ended just before the check is seen ("You are no longer a coordinator
...", nothing written), and one ended just after it waits until the service has committed. Before,
the check read the roles without a lock: the end went through at once and the pooled round was
cancelled or closed, the supplier shared or the tender drafted or changed by someone no longer
running the federation.

PostgreSQL only (`coopbuy.testing.races`); the end of the role runs on its own connection.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from coopbuy.audit.models import AuditEvent
from coopbuy.federations import sharing
from coopbuy.federations.models import FederationRole, FederationSupplier
from coopbuy.federations.permissions import require_federation_role
from coopbuy.federations.services import federation_role_add, federation_role_end
from coopbuy.pooled import closing, services
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.services import pooled_round_cancel, pooled_round_mark_ordered
from coopbuy.pooled.tests.factories import World, make_world, open_pool, order
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.tenders import services as tenders
from coopbuy.tenders.models import Tender
from coopbuy.testing.factories import add_member
from coopbuy.testing.races import (
    assert_revoked_just_after_the_check_waits_for_the_commit,
    assert_revoked_just_before_the_check_changes_nothing,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


@dataclass
class Scene:
    w: World  # Fay coordinates the federation and ends Carl's role
    carl: FederationRole  # the coordinator acting
    pool: PooledRound
    tender: Tender | None = None  # a federation tender's draft, when the case needs one


def _scene() -> Scene:
    w = make_world()
    carl = add_member(w.groups[1], role="coordinator").user
    role = federation_role_add(federation=w.federation, actor=w.fay, email=carl.email,
                               role="coordinator")  # fmt: skip
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 6)
    return Scene(w, role, pool)


def _status(s: Scene) -> str:
    return PooledRound.objects.get(pk=s.pool.pk).status


def _closed(s: Scene) -> None:
    pooled_round_close(pool=s.pool, actor=s.w.fay)


def _fields(title: str) -> tenders.TenderFields:
    return tenders.TenderFields(title=title, deadline=timezone.now() + timedelta(days=7))


def _drafted(s: Scene) -> None:
    s.tender = tenders.tender_create(actor=s.w.fay, federation=s.w.federation,
                                     fields=_fields("Winter oats"))  # fmt: skip


def _tender(s: Scene) -> Tender:
    assert s.tender is not None
    return s.tender


@dataclass(frozen=True)
class Case:
    module: ModuleType  # where the service looks its check up
    call: int  # which call of the check is the service's own (under its transaction)
    prepare: Callable[[Scene], None]
    act: Callable[[Scene], object]  # Carl does it
    effect: Callable[[Scene], bool]  # whether the write happened
    # what "just before the check" hooks: the check itself, or the federation's lock where the
    # service takes it first (an end of role started after that lock would wait for the service)
    before: str = "require_federation_role"


CASES = {
    "pooled cancel": Case(
        services, 1, lambda s: None,
        lambda s: pooled_round_cancel(pool=s.pool, actor=s.carl.user, reason="no van"),
        lambda s: _status(s) == PooledRound.Status.CANCELLED,
    ),
    "pooled close": Case(
        closing, 2,  # the first is before the solver runs
        lambda s: None,
        lambda s: pooled_round_close(pool=s.pool, actor=s.carl.user),
        lambda s: _status(s) == PooledRound.Status.CLOSED,
    ),
    "pooled order sent": Case(
        services, 1, _closed,
        lambda s: pooled_round_mark_ordered(pool=s.pool, actor=s.carl.user),
        lambda s: _status(s) == PooledRound.Status.ORDERED,
    ),
    "supplier shared": Case(
        sharing, 1, lambda s: None,
        lambda s: sharing.federation_supplier_share(
            federation=s.w.federation, actor=s.carl.user,
            supplier=make_supplier(s.w.groups[1], name="Infinity Foods"),
        ),
        lambda s: FederationSupplier.objects.filter(supplier__name="Infinity Foods").exists(),
        before="lock_federation",
    ),
    "tender drafted": Case(
        tenders, 1, lambda s: None,
        lambda s: tenders.tender_create(
            actor=s.carl.user, federation=s.w.federation,
            fields=_fields("Winter oats"),
        ),
        lambda s: Tender.objects.filter(title="Winter oats").exists(),
    ),
    "tender changed": Case(
        tenders, 1, _drafted,
        lambda s: tenders.tender_update(tender=_tender(s), actor=s.carl.user,
                                        fields=_fields("Spring oats")),
        lambda s: Tender.objects.filter(title="Spring oats").exists(),
        # checked again once the federation is locked, in `locked_tender`: just before it, the
        # organiser's first check (`require_organiser`) has passed
        before="locked_tender",
    ),
}  # fmt: skip


def _end_role(s: Scene) -> Callable[[], object]:
    return lambda: federation_role_end(role=s.carl, actor=s.w.fay)


def _ended(s: Scene) -> bool:
    return FederationRole.objects.get(pk=s.carl.pk).ended_at is not None


@pytest.mark.parametrize("name", CASES)
def test_a_federation_coordinator_whose_role_ended_just_before_the_check_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, s = CASES[name], _scene()
    case.prepare(s)
    assert_revoked_just_before_the_check_changes_nothing(
        monkeypatch, case.module, case.before, call=case.call,
        revoke=_end_role(s), act=lambda: case.act(s), effect=lambda: case.effect(s),
        refusal=PermissionDenied,
        match=f"You are no longer a coordinator of {s.w.federation.name}",
    )  # fmt: skip
    assert _ended(s)


@pytest.mark.parametrize("name", CASES)
def test_a_role_ended_just_after_the_check_waits_until_the_service_has_committed(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    case, s = CASES[name], _scene()
    case.prepare(s)
    assert_revoked_just_after_the_check_waits_for_the_commit(
        monkeypatch, case.module, "require_federation_role", call=case.call,
        revoke=_end_role(s), act=lambda: case.act(s), effect=lambda: case.effect(s),
    )  # fmt: skip
    assert _ended(s)
    ended = AuditEvent.objects.get(action="federation.role_ended", subject=s.carl.user)
    assert not AuditEvent.objects.filter(actor=s.carl.user, pk__gt=ended.pk).exists()


def test_the_role_check_that_locks_refuses_to_run_outside_a_transaction() -> None:
    s = _scene()
    with pytest.raises(TransactionManagementError, match="inside the service's transaction"):
        require_federation_role(federation=s.w.federation, user=s.carl.user)
