"""A basket change from the ordering page costs a fixed, small number of SQL queries.

13: one of them locks the membership again before the round's lock (a member removed while their
change was in flight is refused: test_race_role_revoked, test_race_revoke_in_service)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.ledger.models import LedgerSettings
from coopbuy.rounds.models import DemandLine, RoundProduct
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prepayment", [False, True])
def test_one_htmx_basket_change_runs_at_most_15_queries(
    prepayment: bool, django_assert_max_num_queries: Any
) -> None:
    coordinator, member = make_user("Cora"), make_user("Mo")
    group = make_group(coordinator)
    add_member(group, member)
    if prepayment:
        LedgerSettings.objects.update_or_create(
            group=group,
            defaults={
                "prepayment_required": True,
                "credit_limit": Decimal("500.00"),
                "invoice_prefix": "CB",
            },
        )
    supplier = make_supplier(group)
    for i in range(5):
        make_product(supplier, name=f"P{i}", case_size=6)
    round = open_round(group, coordinator, [supplier])
    products = list(RoundProduct.objects.filter(round=round).order_by("pk"))
    client = Client()
    client.force_login(member)
    for p in products[1:]:  # a basket with a few lines already
        client.post(
            reverse("rounds:basket", args=[group.slug, round.pk, p.pk]),
            {"quantity": "2", "tolerance": "1"},
            HTTP_HX_REQUEST="true",
        )
    url = reverse("rounds:basket", args=[group.slug, round.pk, products[0].pk])
    for quantity in ("3", "4", "2"):  # a new line, a raise (a second row), a cut
        # 14: the answer carries the group's totals per supplier too (one query), in place of
        # the page's second request after each change. 15: one more asks whether the group runs
        # a subsidy programme, whose panel then comes back too (`COOPBUY_BASKET_PANELS`); a
        # pooled round's panel costs nothing here (the round says it is not pooled).
        with django_assert_max_num_queries(15):
            response = client.post(
                url, {"quantity": quantity, "tolerance": "0"}, HTTP_HX_REQUEST="true"
            )
        assert response.status_code == 200
    assert (
        sum(DemandLine.objects.filter(product=products[0]).values_list("quantity", flat=True)) == 2
    )


def test_one_api_basket_change_costs_no_more_than_the_page(
    django_assert_max_num_queries: Any,
) -> None:
    """The API's answer comes from the change itself (the product's row and the basket's
    summary), not from reading them again; the token's checks add a few queries."""
    coordinator, member = make_user("Cora"), make_user("Mo")
    group = make_group(coordinator)
    add_member(group, member)
    supplier = make_supplier(group)
    for i in range(5):
        make_product(supplier, name=f"P{i}", case_size=6)
    round = open_round(group, coordinator, [supplier])
    products = list(RoundProduct.objects.filter(round=round).order_by("pk"))
    _token, secret = token_create(user=member, name="phone", scope="read-write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/groups/{group.slug}/rounds/{round.pk}/basket/{products[0].pk}"
    client.put(url, {"quantity": 1, "tolerance": 0}, content_type="application/json")
    for quantity in (3, 4, 2):
        with django_assert_max_num_queries(16):  # it was 19 when the answer read them again
            response = client.put(
                url, {"quantity": quantity, "tolerance": 0}, content_type="application/json"
            )
        assert response.status_code == 200, response.content
        assert response.json()["product"]["quantity"] == quantity
