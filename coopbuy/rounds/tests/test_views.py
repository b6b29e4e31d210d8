"""The round pages: ordering with htmx, query counts, coordinators' pages, other groups' ids."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coopbuy.catalog.models import Product
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import DemandLine, Round, RoundProduct
from coopbuy.rounds.services import basket_set
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats", category="Grains", case_size=6, tiers=[(2, "2.90")])
    make_product(supplier, name="Lentils", category="Pulses", case_size=4)
    member = make_user("Mo")
    add_member(group, member)
    round = open_round(group, coordinator, [supplier])
    other_coordinator = make_user("Otto")
    other = make_group(other_coordinator)
    other_supplier = make_supplier(other)
    make_product(other_supplier, name="Secret", case_size=2)
    other_round = open_round(other, other_coordinator, [other_supplier])
    return {
        "group": group,
        "coordinator": coordinator,
        "member": member,
        "round": round,
        "other": other,
        "other_round": other_round,
        "other_coordinator": other_coordinator,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _product(round: Round, name: str) -> RoundProduct:
    return RoundProduct.objects.get(round=round, name=name)


def test_member_orders_with_htmx_and_sees_the_case_bar_and_basket(world: dict[str, Any]) -> None:
    round, group = world["round"], world["group"]
    oats = _product(round, "Oats")
    client = _client(world["member"])
    page = client.get(reverse("rounds:order", args=[group.slug, round.pk]))
    assert page.status_code == 200
    assert "Extra: what more you would take so that a case fills." in page.content.decode()
    url = reverse("rounds:basket", args=[group.slug, round.pk, oats.pk])
    response = client.post(
        url, {"quantity": "3", "tolerance": "0", "step": "quantity:1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "4 of 6 in the next case: 2 more fill it." in html
    assert "2 more cases unlock £2.90 a unit." in html
    assert 'id="basket-summary"' in html and 'hx-swap-oob="true"' in html
    assert "1 product, £12.40" in html  # 4 x 3.10, no VAT, no markup
    assert list(DemandLine.objects.values_list("quantity", "tolerance")) == [(4, 0)]


def test_late_change_from_the_page_is_refused_with_the_deadline(world: dict[str, Any]) -> None:
    round, group = world["round"], world["group"]
    Round.objects.filter(pk=round.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1),
        opens_at=timezone.now() - timedelta(hours=2),
    )
    oats = _product(round, "Oats")
    response = _client(world["member"]).post(
        reverse("rounds:basket", args=[group.slug, round.pk, oats.pk]),
        {"quantity": "2", "tolerance": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert "This round closed at" in response.content.decode()
    assert not DemandLine.objects.exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_ordering_page_queries_do_not_grow_with_catalogue_or_basket(world: dict[str, Any]) -> None:
    group, coordinator, member = world["group"], world["coordinator"], world["member"]
    client = _client(member)

    def round_with(products: int, lines: int) -> str:
        supplier = make_supplier(group)
        Product.objects.bulk_create(
            Product(
                supplier=supplier,
                sku=f"S{products}-{i}",
                name=f"P{i:04}",
                case_size=6,
                unit_price=Decimal("1.00"),
                category=f"C{i % 7}",
            )
            for i in range(products)
        )
        round = open_round(group, coordinator, [supplier])
        for p in RoundProduct.objects.filter(round=round).order_by("pk")[:lines]:
            basket_set(round=round, user=member, product_id=p.pk, quantity=2, tolerance=1)
        return reverse("rounds:order", args=[group.slug, round.pk])

    counts = {
        (n, lines): _queries(client, round_with(n, lines)) for n, lines in [(50, 0), (500, 30)]
    }
    assert counts[(50, 0)] == counts[(500, 30)], counts


def test_coordinator_of_another_group_reaches_nothing_here(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    other, other_round = world["other"], world["other_round"]
    client = _client(world["coordinator"])
    secret = _product(other_round, "Secret")
    # B's round ids under A's address: not found
    for name, args in [
        ("rounds:detail", [group.slug, other_round.pk]),
        ("rounds:order", [group.slug, other_round.pk]),
        ("rounds:receive", [group.slug, other_round.pk]),
        ("rounds:pick_lists", [group.slug, other_round.pk]),
        ("rounds:collection", [group.slug, other_round.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    for action in ("open", "close", "cancel", "send-order"):
        url = reverse("rounds:action", args=[group.slug, other_round.pk, action])
        assert client.post(url).status_code == 404
    url = reverse("rounds:basket", args=[group.slug, round.pk, secret.pk])
    assert client.post(url, {"quantity": "1"}).status_code == 404
    # and B's own address is closed to A's coordinator
    assert client.get(reverse("rounds:detail", args=[other.slug, other_round.pk])).status_code in (
        403,
        404,
    )
    assert client.post(
        reverse("rounds:action", args=[other.slug, other_round.pk, "close"])
    ).status_code in (403, 404)
    assert Round.objects.get(pk=other_round.pk).status == Round.Status.OPEN


def test_services_refuse_another_groups_coordinator(world: dict[str, Any]) -> None:
    from coopbuy.groups.permissions import AccessDenied

    with pytest.raises(AccessDenied):
        round_close(round=world["other_round"], actor=world["coordinator"])
    with pytest.raises(AccessDenied):
        basket_set(
            round=world["other_round"],
            user=world["member"],
            product_id=_product(world["other_round"], "Secret").pk,
            quantity=1,
            tolerance=0,
        )


def test_members_cannot_run_the_round(world: dict[str, Any]) -> None:
    group, round = world["group"], world["round"]
    client = _client(world["member"])
    assert (
        client.post(reverse("rounds:action", args=[group.slug, round.pk, "close"])).status_code
        == 403
    )
    assert client.get(reverse("rounds:receive", args=[group.slug, round.pk])).status_code == 403


def test_coordinator_pages_after_close(world: dict[str, Any]) -> None:
    group, round, coordinator = world["group"], world["round"], world["coordinator"]
    oats = _product(round, "Oats")
    basket_set(round=round, user=world["member"], product_id=oats.pk, quantity=6, tolerance=0)
    client = _client(coordinator)
    assert (
        client.post(
            reverse("rounds:action", args=[group.slug, round.pk, "close"]), {"confirm": "on"}
        ).status_code
        == 302
    )
    detail = client.get(reverse("rounds:detail", args=[group.slug, round.pk])).content.decode()
    assert "Send the orders to the suppliers" in detail
    supplier = round.suppliers.get()
    pdf = client.get(
        reverse("rounds:purchase_order", args=[group.slug, round.pk, supplier.pk, "pdf"])
    )
    assert pdf.content.startswith(b"%PDF")
    csv = client.get(
        reverse("rounds:purchase_order", args=[group.slug, round.pk, supplier.pk, "csv"])
    )
    assert b"Oats" in csv.content
    picks = client.get(reverse("rounds:pick_lists", args=[group.slug, round.pk]))
    assert "6 \u00d7 Oats" in picks.content.decode()
    assert client.get(
        reverse("rounds:pick_lists", args=[group.slug, round.pk]) + "?format=pdf"
    ).content.startswith(b"%PDF")
    member_pk = round.charges.get().membership_id
    response = client.post(
        reverse("rounds:collect", args=[group.slug, round.pk, member_pk]),
        {"collected": "1", "note": "all fine"},
        HTTP_HX_REQUEST="true",
    )
    assert "Collected at" in response.content.decode()
    receive = client.post(
        reverse("rounds:receive", args=[group.slug, round.pk]),
        {"product": oats.pk, "units_received": "5", "invoice_unit_price": "3.00"},
    )
    assert receive.status_code == 302
    assert round.allocations.get().units == 5
    assert round.charges.get().goods == Decimal("15.00")


def test_coordinator_creates_and_opens_a_round_through_the_pages(world: dict[str, Any]) -> None:
    group, coordinator = world["group"], world["coordinator"]
    client = _client(coordinator)
    supplier = group.suppliers.get()
    now = timezone.localtime()
    response = client.post(
        reverse("rounds:create", args=[group.slug]),
        {
            "name": "December",
            "suppliers": [supplier.pk],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "policy": "proportional",
            "markup_percent": "5",
            "delivery_share": "household",
        },
    )
    assert response.status_code == 302, response.content.decode()
    round = Round.objects.get(name="December")
    assert (round.policy, round.markup_rate, round.delivery_share) == (
        "proportional",
        Decimal("0.0500"),
        "household",
    )
    client.post(reverse("rounds:action", args=[group.slug, round.pk, "open"]))
    assert Round.objects.get(pk=round.pk).status == Round.Status.OPEN
    listing = client.get(reverse("rounds:list", args=[group.slug])).content.decode()
    assert "December" in listing


def test_budget_under_the_optimal_rule_is_set_on_the_page_and_honoured_at_close(
    world: dict[str, Any],
) -> None:
    group, coordinator, member = world["group"], world["coordinator"], world["member"]
    round = open_round(group, coordinator, list(group.suppliers.all()), policy="optimal")
    oats = _product(round, "Oats")  # 3.10 a unit, cases of 6
    basket_set(round=round, user=member, product_id=oats.pk, quantity=6, tolerance=0)
    other = make_user("Pat")
    add_member(group, other)
    basket_set(round=round, user=other, product_id=oats.pk, quantity=6, tolerance=0)
    client = _client(member)
    page = client.get(reverse("rounds:order", args=[group.slug, round.pk])).content.decode()
    assert "My budget for goods" in page
    response = client.post(
        reverse("rounds:budget", args=[group.slug, round.pk]),
        {"amount": "10.00"},
        HTTP_HX_REQUEST="true",
    )
    assert 'value="10.00"' in response.content.decode()
    round_close(round=round, actor=coordinator)
    mine = round.allocations.get(membership__user=member)
    assert mine.units <= 3 and mine.amount <= Decimal("10.00")  # 4 units would cost 12.40
    assert round.allocations.get(membership__user=other).units == 6


def test_no_budget_outside_the_optimal_rule(world: dict[str, Any]) -> None:
    from coopbuy.rounds.errors import RoundError
    from coopbuy.rounds.services import budget_set

    with pytest.raises(RoundError):
        budget_set(round=world["round"], user=world["member"], amount=Decimal("5"))


def test_every_round_url_with_another_groups_ids_is_not_found(world: dict[str, Any]) -> None:
    """Enumerated from the URLconf: A's address with B's round (and B's other ids) is a 404
    for A's coordinator, by GET and by POST, and nothing of B's changes."""
    from coopbuy.rounds.urls import urlpatterns

    group, other_round = world["group"], world["other_round"]
    secret = _product(world["other_round"], "Secret")
    ids = {
        "slug": group.slug,
        "round_id": other_round.pk,
        "product_id": secret.pk,
        "supplier_id": other_round.suppliers.get().pk,
        "membership_id": world["other"].memberships.get().pk,
        "kind": "pdf",
        "action": "close",
    }
    client = _client(world["coordinator"])
    checked = 0
    for pattern in urlpatterns:
        names = set(pattern.pattern.regex.groupindex)
        if "round_id" not in names:
            continue
        url = reverse(f"rounds:{pattern.name}", kwargs={k: ids[k] for k in names})
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in (404, 405), (url, method.__name__, status)
        checked += 1
    assert checked == 15  # every round page and action
    assert Round.objects.get(pk=other_round.pk).status == Round.Status.OPEN
