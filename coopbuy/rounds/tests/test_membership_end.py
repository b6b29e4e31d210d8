"""Leaving or being removed never rewrites money history (issue 10, bug 1).

The reproduction: Ann and Ben each order 3 of a case of 6 at 2.00; the round closes (both -6.00,
the supplier +12.00). Ben may not leave while the round is unsettled; the delivery recorded as
ordered changes no balance; once the round is settled and Ben's balance is zero he can be removed,
and his orders, allocations, charges, invoice and account all stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.catalog.models import Supplier
from coopbuy.groups.invitations import invitation_accept, invitation_create
from coopbuy.groups.memberships import membership_leave, membership_remove
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import AccessDenied
from coopbuy.groups.services import GroupError
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Account, Invoice
from coopbuy.ledger.services import LedgerError, member_account
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.ledger.write_off import ledger_write_off
from coopbuy.rounds.billing import round_settle
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Allocation, DemandLine, MemberRoundCharge, Round, RoundProduct
from coopbuy.rounds.receiving import round_receive_product
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    group: BuyingGroup
    cora: User
    ann: Membership
    ben: Membership
    supplier: Supplier
    round: Round
    oats: RoundProduct


def _ordered(*, close: bool = True) -> Case:
    cora = make_user("Cora")
    group = make_group(cora)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("2.00"))
    ann, ben = add_member(group, make_user("Ann")), add_member(group, make_user("Ben"))
    round = open_round(group, cora, [supplier])
    oats = RoundProduct.objects.get(round=round)
    for member in (ann, ben):
        basket_set(round=round, user=member.user, product_id=oats.pk, quantity=3, tolerance=0)
    if close:
        round_close(round=round, actor=cora)
    return Case(group, cora, ann, ben, supplier, round, oats)


def _balances(case: Case) -> dict[str, Decimal]:
    accounts = Account.objects.filter(group=case.group)
    found = {a.membership.user.name: a.balance for a in accounts if a.membership is not None}
    found["supplier"] = accounts.get(kind=Account.Kind.SUPPLIER).balance
    return found


def _history(membership: Membership) -> tuple[int, int, int, int]:
    return (
        DemandLine.objects.filter(membership=membership).count(),
        Allocation.objects.filter(membership=membership).count(),
        MemberRoundCharge.objects.filter(membership=membership).count(),
        Invoice.objects.filter(account__membership=membership).count(),
    )


def test_a_member_who_leaves_after_the_close_keeps_paying_for_the_round() -> None:
    case = _ordered()
    closed = _balances(case)
    assert (closed["Ann"], closed["Ben"]) == (Decimal("-6.00"), Decimal("-6.00"))
    assert abs(closed["supplier"]) == Decimal("12.00")

    with pytest.raises(GroupError, match="not settled") as left:
        membership_leave(membership=case.ben, user=case.ben.user)
    assert "Weekly order" in left.value.message
    with pytest.raises(GroupError, match="Record the delivery and settle the round first"):
        membership_remove(membership=case.ben, actor=case.cora)
    case.ben.refresh_from_db()
    assert case.ben.is_active

    round_receive_product(
        round=case.round, actor=case.cora, product_id=case.oats.pk, units_received=6
    )
    assert _balances(case) == closed  # as ordered: nobody's balance moves
    assert round_settle(round=case.round, actor=case.cora) == 2  # Ben gets his invoice too

    with pytest.raises(GroupError, match=r"owes the group 6\.00 GBP") as owing:
        membership_remove(membership=case.ben, actor=case.cora)
    assert "write the balance off" in owing.value.message
    ledger_top_up(membership=case.ben, amount=Decimal("6.00"), method="bank", actor=case.cora,
                  idempotency_key="ben-pays")  # fmt: skip
    history = _history(case.ben)
    assert history == (1, 1, 1, 1)

    ended = membership_remove(membership=case.ben, actor=case.cora)

    assert (ended.end_reason, ended.ended_by, ended.is_active) == ("removed", case.cora, False)
    assert Membership.objects.filter(pk=case.ben.pk).exists()  # ended, not deleted
    assert _history(case.ben) == history
    account = Account.objects.get(membership=case.ben)
    assert account.balance == Decimal("0.00")
    assert _balances(case)["Ann"] == Decimal("-6.00")
    assert abs(_balances(case)["supplier"]) == Decimal("12.00")
    assert check_group(case.group).problems == []
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.data["reason"] == "removed" and event.subject == case.ben.user


def test_money_history_cannot_be_deleted_with_the_membership() -> None:
    case = _ordered()
    with pytest.raises(ProtectedError):
        Membership.objects.filter(pk=case.ben.pk).delete()
    assert MemberRoundCharge.objects.filter(membership=case.ben).exists()


def test_leaving_during_an_open_round_empties_the_basket() -> None:
    case = _ordered(close=False)
    assert DemandLine.objects.filter(membership=case.ben).exists()

    membership_leave(membership=case.ben, user=case.ben.user)

    assert not DemandLine.objects.filter(membership=case.ben).exists()
    assert DemandLine.objects.filter(membership=case.ann).count() == 1
    event = AuditEvent.objects.get(action="round.basket_emptied")
    assert event.subject == case.ben.user and event.data["round"] == case.round.pk
    round_close(round=case.round, actor=case.cora)
    assert not MemberRoundCharge.objects.filter(membership=case.ben).exists()


def test_an_open_round_past_its_deadline_refuses_the_leaving() -> None:
    case = _ordered(close=False)
    Round.objects.filter(pk=case.round.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(GroupError, match="not settled"):
        membership_leave(membership=case.ben, user=case.ben.user)
    assert DemandLine.objects.filter(membership=case.ben).exists()


def test_a_credit_refuses_the_leaving_until_refunded_or_written_off() -> None:
    case = _ordered(close=False)
    membership_leave(membership=case.ann, user=case.ann.user)  # nothing owed: free to go
    ben = case.ben
    ledger_top_up(membership=ben, amount=Decimal("4.50"), method="bank", actor=case.cora,
                  idempotency_key="ben-in")  # fmt: skip
    with pytest.raises(GroupError, match=r"4\.50 GBP in credit") as refused:
        membership_leave(membership=ben, user=ben.user)
    assert "refund" in refused.value.message

    with pytest.raises(LedgerError, match="Say why"):
        ledger_write_off(membership=ben, actor=case.cora, reason=" ", idempotency_key="w0")
    posted = ledger_write_off(
        membership=ben, actor=case.cora, reason="donated to the group", idempotency_key="w1"
    )
    assert "Balance written off: donated to the group" in posted.description
    assert member_account(ben).balance == Decimal("0.00")
    with pytest.raises(LedgerError, match="nothing to write off"):
        ledger_write_off(membership=ben, actor=case.cora, reason="again", idempotency_key="w2")
    membership_leave(membership=ben, user=ben.user)
    ben.refresh_from_db()
    assert (ben.end_reason, ben.ended_by) == ("left", ben.user)


def test_only_a_coordinator_writes_a_balance_off() -> None:
    case = _ordered()
    treasurer = add_member(case.group, role="treasurer").user
    with pytest.raises(AccessDenied):
        ledger_write_off(membership=case.ben, actor=treasurer, reason="x", idempotency_key="t")
    with pytest.raises(AccessDenied):
        ledger_write_off(membership=case.ben, actor=case.ann.user, reason="x", idempotency_key="a")
    assert member_account(case.ben).balance == Decimal("-6.00")


def test_rejoining_reactivates_the_same_membership_and_account() -> None:
    case = _ordered(close=False)
    ben = case.ben
    account = member_account(ben)
    membership_leave(membership=ben, user=ben.user)
    # A late bank transfer from Ben lands on his (ended) account while he is away.
    ledger_top_up(membership=ben, amount=Decimal("5.00"), method="bank", actor=case.cora,
                  idempotency_key="late")  # fmt: skip

    invitation = invitation_create(group=case.group, actor=case.cora, email=ben.user.email)
    again = invitation_accept(code=invitation.code, user=ben.user)

    assert again.pk == ben.pk and again.is_active and again.end_reason == ""
    assert member_account(again).pk == account.pk
    assert member_account(again).balance == Decimal("5.00")
    assert Membership.objects.filter(group=case.group, user=ben.user).count() == 1
    event = AuditEvent.objects.get(action="membership.rejoined")
    assert event.data["end_reason"] == "left"
