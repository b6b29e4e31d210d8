"""The home page tells each person what is happening now and what to do next."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.models import Invitation, Membership
from coopbuy.ledger.models import LedgerSettings
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_new_person_is_given_a_first_step() -> None:
    html = _client(make_user("Nia")).get("/").content.decode()
    assert "Your first step" in html
    assert reverse("groups:find") in html


def test_signed_out_visitors_see_what_coopbuy_is() -> None:
    html = Client().get("/").content.decode()
    assert "Buy together, pay less, waste nothing" in html


def test_a_member_sees_the_open_round_basket_balance_and_a_top_up_hint() -> None:
    cora, ann = make_user("Cora"), make_user("Ann")
    group = make_group(cora, name="Calder Bulk")
    membership = add_member(group, ann)
    LedgerSettings.objects.create(
        group=group, prepayment_required=True, credit_limit=Decimal("0"), invoice_prefix="CB"
    )
    ledger_top_up(membership=membership, amount=Decimal("10.00"), method="bank", actor=cora,
                  idempotency_key="t1")  # fmt: skip
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=6, unit_price=Decimal("1.50"))
    round = open_round(group, cora, [supplier], name="Week 49")
    oats = RoundProduct.objects.get(round=round)
    basket_set(round=round, user=ann, product_id=oats.pk, quantity=4, tolerance=0)
    html = _client(ann).get("/").content.decode()
    assert "Week 49" in html and "orders close" in html
    assert "Your basket: 1 product, £6.00." in html
    assert "Your balance: £10.00." in html
    assert "You can still order £4.00." in html  # the ordering page's figure
    assert "top up by bank transfer with the reference" in html
    assert "Waiting for you" not in html  # a member has no coordinator's to-do list


def test_a_coordinator_sees_what_is_waiting_and_an_invitation_shows() -> None:
    cora, ann, nia = make_user("Cora"), make_user("Ann"), make_user("Nia")
    group = make_group(cora, name="Calder Bulk")
    add_member(group, ann)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", case_size=1)
    round = open_round(group, cora, [supplier], name="Week 48")
    basket_set(
        round=round, user=ann, product_id=RoundProduct.objects.get(round=round).pk,
        quantity=2, tolerance=0,
    )  # fmt: skip
    round_close(round=round, actor=cora)
    late = open_round(group, cora, [supplier], name="Week 49")
    Round.objects.filter(pk=late.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
    )
    html = _client(cora).get("/").content.decode()
    assert "Waiting for you" in html
    assert "Receive the delivery of Week 48" in html
    assert "Week 49 is past its deadline: close it" in html
    ann_html = _client(ann).get("/").content.decode()
    assert "Your bag from Week 48: 1 product (2 units)" in ann_html
    other = make_group(make_user("Otto"), name="Totnes Food")
    Invitation.objects.create(
        group=other, code="x" * 40, email=nia.email, role=Membership.Role.MEMBER,
        expires_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip
    assert "You are invited to join Totnes Food." in _client(nia).get("/").content.decode()


def test_the_group_now_panel_is_for_members_only() -> None:
    cora, outsider = make_user("Cora"), make_user("Out")
    group = make_group(cora, name="Calder Bulk")
    url = reverse("web:group_now", args=[group.slug])
    assert "What is happening now" in _client(cora).get(url).content.decode()
    assert _client(outsider).get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302
