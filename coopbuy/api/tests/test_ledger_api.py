"""The ledger through the API: my account and transactions, and top-ups by treasurers.

The world already holds one top-up of 30.00 for the plain member (access/ledger.py's seed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from coopbuy.api.tests.conftest import World
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.services import settings_for
from coopbuy.tokens.services import token_create


def _top_up(world: World, role: str, key: str | None = None, **body: object) -> Any:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    payload = {"membership_id": world.member_a.pk, "amount": "25.00", "method": "bank", **body}
    return world.client(role).post(
        f"/api/v1/groups/{world.a.slug}/top-ups",
        payload,
        content_type="application/json",
        **headers,
    )


def _new_transactions(world: World) -> QuerySet[Transaction]:
    """What the test wrote in the groups' books (other areas' seeds write in their own books)."""
    groups = Transaction.objects.filter(group__in=[world.a, world.b])
    return groups.exclude(pk=world.ids["transaction_id"])


def test_a_treasurer_records_a_top_up_the_member_then_sees(world: World) -> None:
    response = _top_up(world, "treasurer", reference="Bank ref 12")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "25.00" and body["kind"] == "top_up"
    assert body["membership_id"] == world.member_a.pk
    member = world.client("member")  # not the topped-up member: sees only their own account
    assert member.get(f"/api/v1/groups/{world.a.slug}/account").json()["balance"] == "0.00"
    own = world.member_a.user
    world.tokens["plain"] = token_create(user=own, name="plain", scope="read")[1]
    account = world.client("plain").get(f"/api/v1/groups/{world.a.slug}/account").json()
    assert account["balance"] == "55.00"  # 30.00 seeded
    assert account["payment_reference"].startswith("CB-")
    assert account["available_to_spend"] is None
    assert "does not ask for prepayment" in account["explanation"]
    entries = world.client("plain").get(f"/api/v1/groups/{world.a.slug}/account/transactions")
    newest = entries.json()["items"][0]
    assert (newest["amount"], newest["reference"]) == ("25.00", "Bank ref 12")


def test_available_to_spend_follows_the_groups_rule(world: World) -> None:
    ledger = settings_for(world.a)
    ledger.prepayment_required, ledger.credit_limit = True, Decimal("10.00")
    ledger.save()
    account = world.client("member").get(f"/api/v1/groups/{world.a.slug}/account").json()
    assert account["available_to_spend"] == "10.00"
    assert account["explanation"].startswith("You can still order")


def test_the_same_key_twice_is_one_top_up_with_the_same_reply(world: World) -> None:
    first = _top_up(world, "coordinator", key="pay-7")
    second = _top_up(world, "coordinator", key="pay-7")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert _new_transactions(world).count() == 1
    assert Account.objects.get(membership=world.member_a).balance == Decimal("55.00")


def test_two_callers_with_the_same_key_make_two_top_ups(world: World) -> None:
    assert _top_up(world, "coordinator", key="same").status_code == 201
    assert _top_up(world, "treasurer", key="same").status_code == 201
    assert Account.objects.get(membership=world.member_a).balance == Decimal("80.00")


def test_a_zero_or_float_amount_is_refused_naming_amount(world: World) -> None:
    for amount in ("0.00", 12.5):
        response = _top_up(world, "treasurer", amount=amount)
        assert response.status_code == 422, amount
        assert response.json()["errors"][0]["field"] == "amount"
    assert not _new_transactions(world).exists()


def test_a_plain_member_may_not_record_top_ups(world: World) -> None:
    assert _top_up(world, "member").status_code == 403
    assert not _new_transactions(world).exists()


def test_another_groups_member_is_not_found_and_nothing_moves(world: World) -> None:
    response = world.client("coordinator_b").post(
        f"/api/v1/groups/{world.b.slug}/top-ups",
        {"membership_id": world.member_a.pk, "amount": "5.00", "method": "cash"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not _new_transactions(world).exists()
