"""Postings name their source by id: renaming a round moves no money; money history is protected."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db.models import ProtectedError

from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.services import member_account, post
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World, key


def test_a_membership_with_a_ledger_account_cannot_be_deleted(world: World) -> None:
    ledger_top_up(
        membership=world.bob, amount=D("4.00"), method="cash", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    account = member_account(world.bob)
    with pytest.raises(ProtectedError):
        world.bob.delete()
    account.refresh_from_db()
    assert account.membership_id == world.bob.pk and account.balance == D("4.00")


def test_a_top_up_entered_by_hand_is_manual_and_the_check_finds_a_missing_source(
    world: World,
) -> None:
    posted = ledger_top_up(
        membership=world.bob, amount=D("4.00"), method="cash", actor=world.treasurer,
        idempotency_key=key(),
    )  # fmt: skip
    assert (posted.source_kind, posted.source_id) == (SourceKind.MANUAL, None)
    assert check_group(world.group).problems == []
    # A posting naming a round that does not exist is reported.
    post(
        group=world.group, kind=Transaction.Kind.ADJUSTMENT, description="stray",
        legs=[(member_account(world.alice), D("1.00")), (member_account(world.bob), D("-1.00"))],
        actor=None, idempotency_key=key(), source=Source.round(987654),
    )  # fmt: skip
    problems = check_group(world.group).problems
    assert [p.code for p in problems] == ["missing_source"]
    assert "round 987654" in str(problems[0])
