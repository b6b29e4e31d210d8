"""The subsidies demo on its own (the whole demo is tested in coopbuy/demo/tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.demo.subsidies_seed import GROUP_SLUG, ORGANISATION_SLUG, seed_subsidies
from coopbuy.ledger.models import Transaction
from coopbuy.organisations.models import Programme
from coopbuy.subsidies.models import PayrollConsent, PayrollRun, RoundSubsidy, SubsidyRule
from coopbuy.subsidies.selectors import fund_balance
from coopbuy.subsidies.tests.helpers import assert_books_clean

pytestmark = pytest.mark.django_db


def test_the_demo_funds_subsidises_and_runs_payroll_idempotently() -> None:
    seed_subsidies(password_hash="!")
    programme = Programme.objects.get(group__slug=GROUP_SLUG, organisation__slug=ORGANISATION_SLUG)
    subsidy = RoundSubsidy.objects.get(programme=programme)
    assert subsidy.members >= 6
    assert SubsidyRule.objects.filter(programme=programme).count() == 2
    assert fund_balance(organisation=programme.organisation) == Decimal("500.00") - subsidy.total
    assert PayrollConsent.objects.filter(programme=programme, revoked_at=None).count() == 3
    run = PayrollRun.objects.get(programme=programme)
    assert run.total == Decimal("18.40") + Decimal("9.75") + Decimal("23.10")
    counts = (Transaction.objects.count(), RoundSubsidy.objects.count(), PayrollRun.objects.count())
    seed_subsidies(password_hash="!")
    assert counts == (
        Transaction.objects.count(), RoundSubsidy.objects.count(), PayrollRun.objects.count(),
    )  # fmt: skip
    assert_books_clean()
