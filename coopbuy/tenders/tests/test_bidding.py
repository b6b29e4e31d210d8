"""Bidding refusals: each names what is wrong and saves nothing; revisions through page and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.tenders.models import Bid, BidRevision, Tender
from coopbuy.tenders.services import TenderError, TenderFields, tender_update
from coopbuy.tenders.tests.world import World, make_world, past_deadline
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _token, raw = token_create(user=user, name="t", scope="read-write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _line(item: str, price: str) -> dict[str, str]:
    return {"item": item, "unit_price": price}


def _bid(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "prices": [
            {"item": "oats-25kg", "unit_price": "2.90", "capacity": 200,
             "tiers": [{"min_quantity": 100, "unit_price": "2.70"}]},
            {"item": "lentils-5kg", "unit_price": "6.10"},
        ],
        "delivery_fee": "40.00",
        "criteria": {"organic": "0.8", "local": "0.2"},
    }  # fmt: skip
    body.update(changes)
    return body


def _put(world: World, body: dict[str, Any], who: int = 0, supplier: int = 0) -> Any:
    assert world.tender is not None
    return _api(world.sellers[who]).put(
        f"/api/v1/tenders/{world.tender.pk}/bids/{world.suppliers[supplier].pk}",
        body,
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ([_line("rice-1kg", "1.00")], "prices", "“rice-1kg” is not an item"),
        ([_line("oats-25kg", "-1.00")], "prices", "cannot be negative"),
        ([_line("oats-25kg", "250000.00")], "prices", "implausibly high"),
        ({"organic": "0.8"}, "criteria", "Answer the criterion “local”"),
        ({"organic": "0.8", "local": "1.5"}, "criteria", "“local” must be a decimal"),
        ({"organic": "0.8", "local": "0.1", "fair": "1"}, "criteria", "“fair” is not a criterion"),
        ("-5.00", "delivery_fee", "cannot be negative"),
    ],
)  # fmt: skip
def test_a_bad_bid_is_refused_with_the_field_named_and_nothing_saved(
    changes: Any, field: str, words: str
) -> None:
    world = make_world()
    response = _put(world, _bid(**{field: changes}))
    assert response.status_code == 422, response.content
    assert words in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == field
    assert (Bid.objects.count(), BidRevision.objects.count()) == (0, 0)


def test_after_the_deadline_and_for_a_non_invited_supplier_nothing_is_saved() -> None:
    world = make_world()
    assert world.other_seller is not None and world.tender is not None
    assert world.other_supplier is not None
    outsider = _api(world.other_seller).put(
        f"/api/v1/tenders/{world.tender.pk}/bids/{world.other_supplier.pk}",
        _bid(),
        content_type="application/json",
    )
    assert outsider.status_code == 404  # not invited: the tender is not found for it
    wrong_user = _put(world, _bid(), who=1, supplier=0)  # Beta's seller for Alpha
    assert wrong_user.status_code == 404
    past_deadline(world)
    late = _put(world, _bid())
    assert late.status_code == 422
    assert "deadline for bids has passed" in late.json()["detail"]
    assert late.json()["errors"][0]["field"] == "deadline"
    assert Bid.objects.count() == 0


def test_revise_and_withdraw_through_the_api_keep_every_revision() -> None:
    world = make_world()
    assert world.tender is not None
    assert _put(world, _bid()).json()["revision"] == 1
    revised = _put(world, _bid(delivery_fee="35.00")).json()
    assert (revised["revision"], revised["delivery_fee"]) == (2, "35.00")
    url = f"/api/v1/tenders/{world.tender.pk}/bids/{world.suppliers[0].pk}/withdraw"
    withdrawn = _api(world.sellers[0]).post(url).json()
    assert (withdrawn["revision"], withdrawn["withdrawn"], withdrawn["prices"]) == (3, True, [])
    assert list(BidRevision.objects.values_list("number", "withdrawn", "delivery_fee")) == [
        (1, False, 40), (2, False, 35), (3, True, 0),
    ]  # fmt: skip
    again = _api(world.sellers[0]).post(url)
    assert again.status_code == 422 and "no standing bid" in again.json()["detail"]


def test_the_bid_page_submits_and_shows_errors_on_the_form() -> None:
    world = make_world()
    assert world.tender is not None
    client = Client()
    client.force_login(world.sellers[0])
    url = f"/tenders/{world.tender.pk}/bid/{world.suppliers[0].pk}/"
    form = {
        "delivery_fee": "40.00", "min_order_value": "0", "price_oats-25kg": "2.90",
        "tiers_oats-25kg": "100: 2.70", "price_lentils-5kg": "6.10", "criterion_organic": "0.8",
    }  # fmt: skip
    missing = client.post(url, form)
    assert missing.status_code == 200
    assert "Answer the criterion “local”" in missing.content.decode()
    assert Bid.objects.count() == 0
    assert client.post(url, {**form, "criterion_local": "0.2"}).status_code == 302
    revision = BidRevision.objects.get()
    line = revision.lines.get(item__code="oats-25kg")
    assert (line.unit_price, line.tiers) == (line.unit_price.__class__("2.90"), [[100, "2.70"]])


def test_weights_over_the_published_maximum_are_refused() -> None:
    world = make_world()
    assert world.tender is not None
    draft = Tender.objects.create(
        federation=world.federation, title="Draft", deadline=world.tender.deadline
    )
    fields = TenderFields(
        title="Draft", deadline=world.tender.deadline, criteria={"organic": "0.2", "local": "0.15"},
        max_weight_sum=world.tender.max_weight_sum.__class__("0.3"),
    )  # fmt: skip
    with pytest.raises(TenderError, match=r"add up to 0\.35, over the published maximum of 0\.3"):
        tender_update(tender=draft, actor=world.fay, fields=fields)
    api = _api(world.fay).post(
        "/api/v1/tenders",
        {"federation_slug": world.federation.slug, "title": "T",
         "deadline": world.tender.deadline.isoformat(), "criteria": {"organic": "0.6"}},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "criteria"
    assert Tender.objects.filter(title="T").count() == 0
