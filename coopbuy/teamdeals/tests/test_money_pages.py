"""The admin's money pages and API: who owes what, recording a payment, undoing one after a
confirmation; bad input refused naming its field with nothing saved; nobody else gets in; and only
the buyers' balances in the customers' group are shown, nothing from their other groups."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.teamdeals.models import BuyerPayment
from coopbuy.teamdeals.services import team_join, team_start
from coopbuy.teamdeals.tests.factories import Shop, make_shop
from coopbuy.testing.factories import PASSWORD, add_member, make_group, make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def _login(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _sold(shop: Shop) -> list[User]:
    people = [make_user(n) for n in ("Ann Buyer", "Ben Buyer", "Cat Buyer", "Dan Buyer")]
    team = team_start(deal=shop.deal, user=people[0])
    for person in people[1:]:
        team_join(team=team, user=person)
    return people


def test_the_admin_sees_who_owes_what_and_records_a_payment(shop: Shop) -> None:
    ann, ben, _cat, _dan = _sold(shop)
    # Ann also belongs to another group, where she owes 7.77: that is not the seller's business
    other = make_group(make_user("Olga"))
    elsewhere = add_member(other, ann)
    post(
        group=other, kind="adjustment", description="Elsewhere",
        legs=[(member_account(elsewhere), D("-7.77")), (system_account(other, "adjustments"),
                                                          D("7.77"))],
        actor=None, idempotency_key="sys:elsewhere",
    )  # fmt: skip
    client = _login(shop.admin)
    url = reverse("teamdeals:money", args=[shop.organisation.slug])
    page = client.get(url).content.decode()
    assert "Ann Buyer" in page and "£18.00" in page and "£72.00" in page
    assert "7.77" not in page and "Olga" not in page
    form = {
        "buyer": shop.membership(ben).pk, "amount": "18.00", "method": "cash",
        "reference": "Till 4", "key": "a" * 32,
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 302
    client.post(url, form)  # sent twice (a double click): one payment
    assert BuyerPayment.objects.count() == 1
    assert shop.balance(ben) == D("0.00")
    page = client.get(url).content.decode()
    assert "£18.00" in page and "Till 4" in page and "Undo" in page


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"amount": "0"}, "amount", "above 0"),
        ({"amount": "12.345"}, "amount", "2 decimal places"),
        ({"method": "cheque"}, "method", "Select a valid choice"),
        ({"buyer": "999999"}, "buyer", "Select a valid choice"),
    ],
)
def test_a_bad_payment_is_refused_on_its_field_and_nothing_is_saved(
    shop: Shop, change: dict[str, str], field: str, words: str
) -> None:
    ann, *_others = _sold(shop)
    before = Transaction.objects.count()
    form = {"buyer": shop.membership(ann).pk, "amount": "5.00", "method": "bank", "key": "b" * 32}
    response = _login(shop.admin).post(
        reverse("teamdeals:money", args=[shop.organisation.slug]), {**form, **change}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert Transaction.objects.count() == before and not BuyerPayment.objects.exists()


def test_undo_asks_first_then_counter_posts(shop: Shop) -> None:
    ann, *_others = _sold(shop)
    client = _login(shop.admin)
    url = reverse("teamdeals:money", args=[shop.organisation.slug])
    form = {"buyer": shop.membership(ann).pk, "amount": "18.00", "method": "bank", "key": "c" * 32}
    client.post(url, form)
    payment = BuyerPayment.objects.get()
    undo = reverse("teamdeals:payment_undo", args=[shop.organisation.slug, payment.pk])
    page = client.get(undo).content.decode()
    assert "Undo the payment of £18.00 from Ann Buyer" in page
    assert BuyerPayment.objects.get().reversed_at is None  # asking changes nothing
    assert client.post(undo, {"reason": "bounced"}).status_code == 302
    assert BuyerPayment.objects.get().reversed_at is not None
    assert shop.balance(ann) == D("-18.00")
    assert "already been undone" in client.get(undo).content.decode()


def test_nobody_but_the_admin_reaches_the_money(shop: Shop) -> None:
    ann, *_others = _sold(shop)
    client = _login(ann)
    url = reverse("teamdeals:money", args=[shop.organisation.slug])
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/organisations/{shop.organisation.slug}/deal-money").status_code in {
        401, 403, 404,
    }  # fmt: skip


def test_the_api_records_a_payment_once_per_key_and_refuses_bad_input(shop: Shop) -> None:
    ann, ben, *_others = _sold(shop)
    client = _login(shop.admin)
    base = f"/api/v1/organisations/{shop.organisation.slug}/deal-money"
    body = {"buyer": shop.membership(ann).pk, "amount": "18.00", "method": "bank"}
    headers = {"Idempotency-Key": "pay-ann-1"}
    first = client.post(base + "/payments", body, content_type="application/json", headers=headers)
    assert first.status_code == 201, first.content
    again = client.post(base + "/payments", body, content_type="application/json", headers=headers)
    assert again.json()["id"] == first.json()["id"] and BuyerPayment.objects.count() == 1
    bad = client.post(
        base + "/payments", {**body, "amount": "0.00"}, content_type="application/json",
        headers={"Idempotency-Key": "pay-ann-2"},
    )  # fmt: skip
    assert bad.status_code == 422 and "amount" in bad.content.decode()
    stranger = client.post(
        base + "/payments", {**body, "buyer": 999999}, content_type="application/json",
        headers={"Idempotency-Key": "pay-ann-3"},
    )  # fmt: skip
    assert stranger.status_code == 422 and "buyer" in stranger.content.decode()
    assert BuyerPayment.objects.count() == 1
    summary = client.get(base).json()
    assert (summary["sold"], summary["received"], summary["owed"]) == ("72.00", "18.00", "54.00")
    owes = {b["name"]: b["owes"] for b in summary["buyers"]}
    assert owes == {"Ben Buyer": "18.00", "Cat Buyer": "18.00", "Dan Buyer": "18.00"}
    payment_id = first.json()["id"]
    undone = client.post(
        f"{base}/payments/{payment_id}/undo", {"reason": "wrong buyer"},
        content_type="application/json", headers={"Idempotency-Key": "undo-1"},
    )  # fmt: skip
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    assert client.get(base).json()["owed"] == "72.00"
    listed = client.get(base + "/payments").json()
    assert [p["id"] for p in listed["items"]] == [payment_id]
    assert ben  # Ben still owes: shown above


def test_a_buyer_sees_what_they_owe_and_how_to_pay(shop: Shop) -> None:
    ann, ben, *_others = _sold(shop)
    client = _login(ann)
    page = client.get(reverse("teamdeals:mine")).content.decode()
    reference = member_account(shop.membership(ann)).payment_reference
    assert "You owe Pennine Organics £18.00" in page and f"<strong>{reference}</strong>" in page
    # once paid, nothing is owed; a buyer who paid ahead sees their credit
    _login(shop.admin).post(
        reverse("teamdeals:money", args=[shop.organisation.slug]),
        {"buyer": shop.membership(ann).pk, "amount": "40.00", "method": "bank", "key": "d" * 32},
    )
    page = client.get(reverse("teamdeals:mine")).content.decode()
    assert "You owe" not in page and "You have £22.00 paid in advance with Pennine Organics" in page
    assert "Ann Buyer" not in _login(ben).get(reverse("teamdeals:mine")).content.decode()
