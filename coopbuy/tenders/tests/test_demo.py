"""The demo shows a confirmed tender of Pennine Food: three bids, the ranking, the shared
catalogue and members' expected savings; seeding twice adds nothing twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from coopbuy.core.tender import award, tender_from_json, tender_result_to_json
from coopbuy.demo.seed import seed_demo
from coopbuy.demo.tenders_seed import SLUG, TENDER_LOGIN, TITLE
from coopbuy.federations.models import FederationSupplier
from coopbuy.groups.models import Membership
from coopbuy.tenders.confirmation import expected_saving
from coopbuy.tenders.models import Bid, BidRevision, Tender, TenderContract, TenderItem

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_awarded_and_confirmed_tender_with_savings_and_is_idempotent() -> None:
    summary = seed_demo()
    tender = Tender.objects.get(federation__slug=SLUG, title=TITLE)
    assert tender.status == Tender.Status.CONFIRMED
    assert TenderItem.objects.filter(tender=tender).count() == 8
    assert Bid.objects.filter(tender=tender, status="submitted").count() == 3
    assert tender.result == tender_result_to_json(award(tender_from_json(tender.problem)))
    assert 1 in [b["rank"] for b in tender.result["bids"]]  # a ranking is published
    assert tender.result["totals"]["covered_units"] == tender.result["totals"]["demand_units"]
    contract = TenderContract.objects.filter(tender=tender).first()
    assert contract is not None
    assert FederationSupplier.objects.filter(supplier=contract.catalogue).exists()
    assert contract.catalogue.products.count() >= 1
    savings = [
        expected_saving(tender=tender, user=m.user).total
        for m in Membership.objects.filter(group__slug="hebden-bridge-bulk-buyers")
    ]
    assert sum(1 for s in savings if s > Decimal(0)) >= 5
    assert all(str(s) == str(s.quantize(Decimal("0.01"))) for s in savings if s)  # pennies
    assert TENDER_LOGIN in summary.describe("http://x/")
    counts = (Tender.objects.count(), Bid.objects.count(), BidRevision.objects.count())
    seed_demo()
    assert (Tender.objects.count(), Bid.objects.count(), BidRevision.objects.count()) == counts
