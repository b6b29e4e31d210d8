"""The tender contract end to end through the app: bids in, the award equal to the engine's on
the same problem, confirmation into a catalogue, and members' expected savings to the penny."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coopbuy.catalog.models import PriceTier, Product, Supplier
from coopbuy.core.tender import Bid, Item, Price, TenderProblem, Tier, award, tender_result_to_json
from coopbuy.federations.models import FederationSupplier
from coopbuy.groups.models import Membership
from coopbuy.tenders.confirmation import expected_saving, tender_confirm, tender_opt_in
from coopbuy.tenders.models import Bid as BidRow
from coopbuy.tenders.models import Tender, TenderOptIn
from coopbuy.tenders.selectors import BidsSealed
from coopbuy.tenders.services import TenderError, tender_award, tender_not_confirm
from coopbuy.tenders.tests.world import bid_all, make_world, past_deadline, past_round

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_award_is_the_engines_on_the_same_problem_and_publishes_the_ranking() -> None:
    world = make_world()
    bid_all(world)
    past_deadline(world)
    assert world.tender is not None
    tender = tender_award(tender=world.tender, actor=world.fay)
    ids = [f"bid-{b.pk}" for b in BidRow.objects.order_by("supplier_id")]
    sups = [f"supplier-{s.pk}" for s in world.suppliers]
    problem = TenderProblem(
        currency="GBP",
        split="item",
        weights={"organic": D("0.1"), "local": D("0.05")},
        items=(Item("lentils-5kg", 40), Item("oats-25kg", 120)),
        bids=(
            Bid(
                ids[0],
                sups[0],
                (
                    Price("lentils-5kg", D("6.10")),
                    Price("oats-25kg", D("2.90"), 200, (Tier(100, D("2.70")),)),
                ),
                D("40"),
                D("200"),
                {"organic": D("0.8"), "local": D("0.2")},
            ),
            Bid(
                ids[1],
                sups[1],
                (Price("lentils-5kg", D("6.40")), Price("oats-25kg", D("2.75"))),
                D("25"),
                D("0"),
                {"organic": D("0.2"), "local": D("0.9")},
            ),
            Bid(
                ids[2],
                sups[2],
                (Price("lentils-5kg", D("5.80")), Price("oats-25kg", D("3.10"), 80)),
                D("10"),
                D("0"),
                {},
            ),
        ),
    )
    assert tender.result == tender_result_to_json(award(problem))
    assert tender.status == Tender.Status.AWARDED
    result = tender.result
    assert [(a["item"], a["bid"], a["units"], a["amount"]) for a in result["awards"]] == [
        ("lentils-5kg", ids[0], 40, "244.00"),
        ("oats-25kg", ids[0], 120, "324.00"),
    ]
    assert result["totals"]["cost"] == "608.00"
    assert result["totals"]["evaluated_cost"] == "553.28"
    # The contract lists bids by id as text ("bid-10" before "bid-9"): compare by id.
    ranking = {b["id"]: (b["alone_evaluated_cost"], b["rank"]) for b in result["bids"]}
    assert ranking == {ids[0]: ("553.28", 1), ids[1]: ("571.29", 2), ids[2]: (None, None)}


def test_award_refuses_before_the_deadline_and_for_anyone_but_the_organisers() -> None:
    world = make_world()
    bid_all(world)
    assert world.tender is not None
    with pytest.raises(BidsSealed, match="sealed until the deadline"):
        tender_award(tender=world.tender, actor=world.fay)
    past_deadline(world)
    for who in (world.bea, world.mia, world.sellers[0], world.outsider):
        with pytest.raises(PermissionDenied):
            tender_award(tender=world.tender, actor=who)
    assert Tender.objects.get(pk=world.tender.pk).status == Tender.Status.PUBLISHED


def test_confirmation_makes_a_shared_catalogue_with_case_tiers_and_members_see_their_saving() -> (
    None
):
    world = make_world()
    mia_in_a = Membership.objects.get(user=world.mia, group=world.a)
    past_round(world.a, 30, {mia_in_a: [("oats-25kg", 10, "32.00"), ("lentils-5kg", 4, "27.20")]})
    past_round(world.a, 60, {mia_in_a: [("oats-25kg", 5, "15.50")]})
    bid_all(world)
    past_deadline(world)
    assert world.tender is not None
    tender = tender_award(tender=world.tender, actor=world.fay)
    saving = expected_saving(tender=tender, user=world.mia)
    assert [(s.code, s.units, s.paid, s.at_tender_price) for s in saving.lines] == [
        ("lentils-5kg", 4, D("27.20"), D("24.40")),
        ("oats-25kg", 15, D("47.50"), D("40.50")),
    ]
    assert str(saving.total) == "9.80"  # to the penny, on every database
    with pytest.raises(TenderError, match="once the award is confirmed"):
        tender_opt_in(tender=tender, membership=mia_in_a)

    (contract,) = tender_confirm(tender=tender, actor=world.fay)
    catalogue = contract.catalogue
    assert catalogue.group == world.a
    assert (catalogue.delivery_fee, catalogue.min_order_value) == (D("40.00"), D("200.00"))
    assert catalogue.name == "Alpha: Dry goods 2027"
    products = {p.sku: p for p in Product.objects.filter(supplier=catalogue)}
    assert sorted(products) == ["lentils-5kg", "oats-25kg"]
    oats = products["oats-25kg"]
    assert (oats.case_size, oats.unit_price, oats.max_cases) == (10, D("2.90"), 20)
    assert list(PriceTier.objects.filter(product=oats).values_list("min_cases", "unit_price")) == [
        (10, D("2.70"))
    ]
    assert FederationSupplier.objects.filter(
        federation=world.federation, supplier=catalogue
    ).exists()
    opt_in = tender_opt_in(tender=Tender.objects.get(pk=tender.pk), membership=mia_in_a)
    assert opt_in.expected_saving == D("9.80")
    tender_opt_in(tender=Tender.objects.get(pk=tender.pk), membership=mia_in_a)
    assert TenderOptIn.objects.count() == 1
    with pytest.raises(TenderError, match="Only an awarded tender"):
        tender_confirm(tender=Tender.objects.get(pk=tender.pk), actor=world.fay)
    assert Supplier.objects.filter(group=world.a, name__startswith="Alpha:").count() == 1


def test_not_confirming_records_the_reason() -> None:
    world = make_world()
    bid_all(world)
    past_deadline(world)
    assert world.tender is not None
    tender = tender_award(tender=world.tender, actor=world.fay)
    with pytest.raises(TenderError, match="Say why") as empty:
        tender_not_confirm(tender=tender, actor=world.fay, reason="  ")
    assert empty.value.field == "reason"
    tender = tender_not_confirm(tender=tender, actor=world.fay, reason="Prices above budget.")
    assert (tender.status, tender.not_confirmed_reason) == ("not_confirmed", "Prices above budget.")
    assert not Supplier.objects.filter(name__contains="Dry goods").exists()


def test_a_withdrawn_bid_and_a_revised_one_the_latest_counts() -> None:
    from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit, bid_withdraw

    world = make_world()
    bid_all(world)
    assert world.tender is not None
    bid_withdraw(tender=world.tender, supplier=world.suppliers[0], actor=world.sellers[0])
    revision = bid_submit(
        tender=world.tender,
        supplier=world.suppliers[1],
        actor=world.sellers[1],
        data=BidInput(
            lines=[LineInput("oats-25kg", "2.60"), LineInput("lentils-5kg", "6.00")],
            delivery_fee="25.00",
            criteria={"organic": "0.2", "local": "0.9"},
        ),
    )
    assert revision.number == 2
    beta = BidRow.objects.get(supplier=world.suppliers[1])
    assert list(beta.revisions.values_list("number", flat=True)) == [1, 2]  # history kept
    assert beta.revisions.get(number=1).lines.get(item__code="oats-25kg").unit_price == D("2.75")
    past_deadline(world)
    tender = tender_award(tender=world.tender, actor=world.fay)
    assert [(a["item"], a["bid"], a["amount"]) for a in tender.result["awards"]] == [
        ("lentils-5kg", f"bid-{beta.pk}", "240.00"),
        ("oats-25kg", f"bid-{beta.pk}", "312.00"),
    ]
    assert {b["id"] for b in tender.result["bids"]} == {
        f"bid-{beta.pk}",
        f"bid-{BidRow.objects.get(supplier=world.suppliers[2]).pk}",
    }
