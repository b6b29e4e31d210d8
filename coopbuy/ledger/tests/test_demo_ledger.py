"""The demo's money: opening top-ups once, and `coopbuy ledger check` passes on it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coopbuy.demo.ledger_seed import seed_ledger
from coopbuy.demo.people import GROUPS
from coopbuy.demo.seed import seed_demo
from coopbuy.ledger.models import Transaction

pytestmark = pytest.mark.django_db


def test_the_demo_has_opening_balances_once_and_a_clean_ledger() -> None:
    seed_demo()
    transactions = Transaction.objects.count()
    assert transactions >= 45
    assert seed_ledger() == 0
    seed_demo()
    assert Transaction.objects.count() == transactions
    # Every member of the three groups got an opening top-up (later rounds spend some of it).
    openings = Transaction.objects.filter(external_reference__startswith="opening balance ")
    assert openings.count() >= 45
    assert openings.values("group").distinct().count() == len(GROUPS)
    out = StringIO()
    call_command("ledger", "check", stdout=out)
    assert "0 problems in 0 books" in out.getvalue()
