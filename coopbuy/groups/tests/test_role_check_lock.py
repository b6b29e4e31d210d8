"""A service's role check (`require_role`) locks the actor's membership row, and only that row.

The row stays locked until the service's transaction ends, so a role change or a removal (which
lock the same row) waits for the service or is seen by it; the group's row is read, not locked,
so other writers of the group are not held up (docs/adr/0005).
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.transaction import TransactionManagementError

from coopbuy.accounts.models import User
from coopbuy.groups.memberships import membership_change_role, membership_remove
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied, require_coordinator
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user


def _group_with_carl() -> tuple[BuyingGroup, Membership]:
    group = make_group(make_user("Cora"))
    return group, add_member(group, make_user("Carl"), role="coordinator")


@pytest.mark.django_db
def test_the_refusal_says_the_role_or_the_membership_is_gone() -> None:
    group, carl = _group_with_carl()
    cora = coordinator_of(group)
    assert _check(group, carl.user) == carl
    membership_change_role(membership=carl, actor=cora, role="treasurer")
    with pytest.raises(AccessDenied, match=f"You are no longer a coordinator of {group.name}"):
        _check(group, carl.user)
    membership_remove(membership=carl, actor=cora)
    with pytest.raises(AccessDenied, match=f"You are no longer a member of {group.name}"):
        _check(group, carl.user)
    with pytest.raises(AccessDenied, match="Only the group's coordinators can do this"):
        _check(group, make_user("Olga"))


@transaction.atomic
def _check(group: BuyingGroup, user: User) -> Membership:
    return require_coordinator(group=group, user=user)


@pytest.mark.django_db(transaction=True)
def test_the_check_refuses_to_run_outside_a_transaction() -> None:
    group, carl = _group_with_carl()
    with pytest.raises(TransactionManagementError, match="inside the service's transaction"):
        require_coordinator(group=group, user=carl.user)


def _can_lock_at_once(sql: str, pk: int) -> bool:
    """Whether another connection gets `sql`'s row lock without waiting."""
    answer: list[bool] = []

    def run() -> None:
        try:
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(sql, [pk])
            answer.append(True)
        except OperationalError:  # could not obtain lock (NOWAIT)
            answer.append(False)
        finally:
            connections.close_all()

    other = threading.Thread(target=run)
    other.start()
    other.join(30)
    return answer[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_check_holds_the_actors_membership_row_until_the_transaction_ends() -> None:
    group, carl = _group_with_carl()
    membership = "SELECT 1 FROM groups_membership WHERE id = %s FOR NO KEY UPDATE NOWAIT"
    group_row = "SELECT 1 FROM groups_buyinggroup WHERE id = %s FOR NO KEY UPDATE NOWAIT"
    with transaction.atomic():
        require_coordinator(group=group, user=carl.user)
        assert not _can_lock_at_once(membership, carl.pk)
        assert _can_lock_at_once(group_row, group.pk)  # the group is read, not locked
    assert _can_lock_at_once(membership, carl.pk)
