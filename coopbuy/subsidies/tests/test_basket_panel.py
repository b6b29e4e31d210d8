"""The subsidy panel on the ordering page follows the basket: a change's answer brings it back
out of band, with what the programme would pay towards the basket now."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.rounds.models import RoundProduct
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create
from coopbuy.subsidies.tests.helpers import make_programme

pytestmark = pytest.mark.django_db


def _change(client: Client, url: str, quantity: int) -> str:
    response = client.post(url, {"quantity": str(quantity), "tolerance": "0"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    assert response.status_code == 200
    return response.content.decode()


def _subsidy_panel(html: str) -> str:
    start = html.index('<section class="panel subsidy-panel" id="subsidy-panel"')
    return html[start : html.index("</section>", start)]


def test_a_basket_change_brings_the_subsidy_panel_back_with_the_new_figure() -> None:
    s = make_programme(1)
    fund_top_up(organisation=s.organisation, amount=Decimal("500.00"), actor=s.admin,
                idempotency_key="fund")  # fmt: skip
    subsidy_rule_create(programme=s.programme, actor=s.admin, kind="goods_percent",
                        percent=Decimal("10"), monthly_cap=Decimal("20.00"))  # fmt: skip
    supplier = make_supplier(s.group)
    make_product(supplier, name="Oats", case_size=1, unit_price=Decimal("2.00"))
    round = open_round(s.group, s.coordinator, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    client = Client()
    client.force_login(s.members[0].user)
    page = client.get(reverse("rounds:order", args=[s.group.slug, round.pk])).content.decode()
    assert 'id="subsidy-panel"' in page and "On your basket now" not in page  # empty basket
    url = reverse("rounds:basket", args=[s.group.slug, round.pk, oats.pk])
    panel = _subsidy_panel(_change(client, url, 3))
    assert 'hx-swap-oob="true"' in panel
    assert "On your basket now (£6.00): about £0.60 off when the round closes." in panel
    assert "£20.00 left this month" in panel
    panel = _subsidy_panel(_change(client, url, 5))
    assert "On your basket now (£10.00): about £1.00 off when the round closes." in panel
    page = client.get(reverse("rounds:order", args=[s.group.slug, round.pk])).content.decode()
    assert "about £1.00 off" in _subsidy_panel(page)
    assert "hx-swap-oob" not in _subsidy_panel(page)  # on the page itself: in place


def test_a_programme_without_rules_adds_no_panel_to_the_answer() -> None:
    s = make_programme(1)
    supplier = make_supplier(s.group)
    make_product(supplier, name="Oats", case_size=1, unit_price=Decimal("2.00"))
    round = open_round(s.group, s.coordinator, [supplier], policy="fcfs")
    oats = RoundProduct.objects.get(round=round)
    client = Client()
    client.force_login(s.members[0].user)
    url = reverse("rounds:basket", args=[s.group.slug, round.pk, oats.pk])
    assert "subsidy-panel" not in _change(client, url, 3)  # nothing to say, as on the page
