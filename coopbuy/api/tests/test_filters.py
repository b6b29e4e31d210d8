"""Lists filter as their parameters say: transactions, rounds and members."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.api.tests.conftest import World
from coopbuy.ledger.selectors import account_of
from coopbuy.ledger.treasury import ledger_adjust, ledger_top_up
from coopbuy.rounds.models import Round


def _money(world: World) -> None:
    treasurer = world.people["treasurer"]
    ledger_top_up(membership=world.member_a, amount=Decimal("10.00"), method="bank",
                  actor=treasurer, idempotency_key="f1",
                  booked_on=timezone.localdate() - timedelta(days=10))  # fmt: skip
    ledger_adjust(membership=world.member_a, amount=Decimal("-1.00"), reason="Jar",
                  actor=treasurer, idempotency_key="f2")  # fmt: skip


def test_transactions_filter_by_kind_account_and_dates(world: World) -> None:
    _money(world)
    client, base = world.client("treasurer"), f"/api/v1/groups/{world.a.slug}/transactions"
    kinds = {t["kind"] for t in client.get(base, {"kind": "adjustment"}).json()["items"]}
    assert kinds == {"adjustment"}
    account = account_of(membership=world.member_a)
    assert account is not None
    mine = client.get(base, {"account_id": account.pk}).json()["items"]
    assert mine and all(any(e["account_id"] == account.pk for e in t["entries"]) for t in mine)
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    recent = client.get(base, {"booked_from": since}).json()["items"]
    assert recent and all(t["booked_on"] >= since for t in recent)
    assert "adjustment" in {t["kind"] for t in recent}
    old = client.get(
        base, {"booked_to": (timezone.localdate() - timedelta(days=5)).isoformat()}
    ).json()
    assert [t["kind"] for t in old["items"]] == ["top_up"]


def test_dates_in_the_wrong_order_name_the_last_day(world: World) -> None:
    response = world.client("treasurer").get(
        f"/api/v1/groups/{world.a.slug}/transactions",
        {"booked_from": "2026-11-20", "booked_to": "2026-11-01"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "booked_to"
    bad = world.client("treasurer").get(
        f"/api/v1/groups/{world.a.slug}/transactions", {"kind": "gift"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"


def test_rounds_filter_by_status_and_members_by_role(world: World) -> None:
    client = world.client("coordinator")
    rounds = f"/api/v1/groups/{world.a.slug}/rounds"
    assert [r["id"] for r in client.get(rounds, {"status": "open"}).json()["items"]] == [
        world.ids["round_id"]
    ]
    assert client.get(rounds, {"status": "settled"}).json()["items"] == []
    Round.objects.filter(pk=world.ids["round_id"]).update(status=Round.Status.DRAFT)
    member = world.client("member")
    assert member.get(rounds, {"status": "draft"}).json()["items"] == []  # drafts stay hidden
    members = f"/api/v1/groups/{world.a.slug}/members"
    roles = {m["role"] for m in member.get(members, {"role": "treasurer"}).json()["items"]}
    assert roles == {"treasurer"}
    assert member.get(members, {"role": "owner"}).status_code == 422
