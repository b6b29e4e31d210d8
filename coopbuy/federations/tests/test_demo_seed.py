"""The demo's Pennine Food Federation: three groups, its runners, a shared supplier, a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.demo.federations_seed import seed_federations
from coopbuy.demo.people import GROUPS
from coopbuy.demo.seed import seed_demo
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account, Transfer

pytestmark = pytest.mark.django_db


def test_the_demo_federation_and_seeding_it_again_adds_nothing() -> None:
    summary = seed_demo()
    federation = Federation.objects.get(slug="pennine-food")
    assert federation.name == "Pennine Food Federation"
    markups = dict(
        FederationGroup.objects.filter(federation=federation, status="member").values_list(
            "group__slug", "markup_rate"
        )
    )
    assert markups == {
        GROUPS[0].slug: Decimal("0"),
        GROUPS[1].slug: Decimal("0.02"),
        GROUPS[2].slug: Decimal("0.05"),
    }
    roles = {
        (r.role, r.user.memberships.get(group__slug=GROUPS[0].slug).role)
        for r in FederationRole.objects.filter(federation=federation).select_related("user")
    }
    assert roles == {("coordinator", "coordinator"), ("treasurer", "treasurer")}
    # The seed shares one supplier; the demo tender's confirmed award adds its catalogue too.
    current = Shared.objects.filter(federation=federation, ended_at__isnull=True)
    shared = current.get(supplier__tender_contracts__isnull=True)
    assert current.count() == 2
    assert shared.supplier.group.slug == GROUPS[0].slug
    most = max(s.products.count() for s in shared.supplier.group.suppliers.all())
    assert shared.supplier.products.count() == most
    # The float from the first group, and the second group's payment for the pooled round.
    paid = Transfer.objects.get(
        from_book__group__slug=GROUPS[1].slug, to_book=federation.book,
        description__startswith="Payment to",
    ).amount  # fmt: skip
    assert paid > 0
    bank = Account.objects.get(book=federation.book, kind="bank")
    assert bank.balance == Decimal("-60.00") - paid
    assert any("/f/pennine-food/" in what for _email, what in summary.logins)

    def counts() -> tuple[int, ...]:
        models = (FederationGroup, FederationRole, Shared, Transfer, AuditEvent)
        return tuple(model.objects.count() for model in models)

    before = counts()
    seed_federations()
    assert counts() == before
    assert all(not report.problems for report in check_books())
