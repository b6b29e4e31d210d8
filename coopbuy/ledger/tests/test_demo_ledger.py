"""The demo's money: opening top-ups once, and `coopbuy ledger check` passes on it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coopbuy.demo.ledger_seed import seed_ledger
from coopbuy.demo.seed import seed_demo
from coopbuy.ledger.models import Account, Transaction

pytestmark = pytest.mark.django_db


def test_the_demo_has_opening_balances_once_and_a_clean_ledger() -> None:
    seed_demo()
    transactions = Transaction.objects.count()
    assert transactions >= 45
    assert seed_ledger() == 0
    seed_demo()
    assert Transaction.objects.count() == transactions
    assert Account.objects.filter(kind="member", balance__gt=0).count() >= 45
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "0 problems in 0 books" in out.getvalue()
