"""The same Idempotency-Key sent twice at once: a top-up moves the money once, a basket change
sets the quantity once.

PostgreSQL only (SQLite serialises writers on the file). The test holds the member's account row,
so both requests are inside their transactions before either can finish (one waits for the
account, the other for the key's row); then it lets go. The ledger's own key (derived from the
header) would catch a double posting too; here the API's key answers first. A basket change is a
PUT of a value (not keyed): the second, waiting for the round's lock, finds it set already.
"""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from coopbuy.api.tests.conftest import bearer
from coopbuy.audit.models import AuditEvent
from coopbuy.groups.models import Membership
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.services import member_account
from coopbuy.rounds.models import DemandLine, RoundProduct
from coopbuy.rounds.tests.factories import make_product, make_supplier, open_round
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _treasury() -> tuple[str, Membership, str]:
    group = make_group(make_user("Cora"))
    treasurer = add_member(group, make_user("Tess"), role="treasurer")
    member = add_member(group, make_user("Mo"))
    secret = token_create(user=treasurer.user, name="t", scope="read-write")[1]
    return f"/api/v1/groups/{group.slug}/top-ups", member, secret


def _at_once(
    url: str, secret: str, held: Any, bodies: list[dict[str, Any]], method: str = "post"
) -> list[Any]:
    """Send `bodies` with one key, all in flight at once, while the row `held` is locked."""
    replies: list[Any] = []
    lock = threading.Lock()

    def post(body: dict[str, Any]) -> None:
        try:
            client = Client(**bearer(secret))
            reply = getattr(client, method)(
                url, json.dumps(body), content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="once",
            )  # fmt: skip
            with lock:
                replies.append(reply)
        finally:
            connections.close_all()

    with transaction.atomic():
        type(held).objects.select_for_update().get(pk=held.pk)
        threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        _wait_for_waiting_sessions(len(bodies))
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    return replies


def test_the_same_key_twice_at_once_records_one_top_up_and_answers_both_alike() -> None:
    url, member, secret = _treasury()
    account = member_account(member)
    body = {"membership_id": member.pk, "amount": "12.50", "method": "bank"}
    replies = _at_once(url, secret, account, [body, body])
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].content == replies[1].content
    assert Transaction.objects.filter(group=member.group, kind="top_up").count() == 1
    assert AuditEvent.objects.filter(action="ledger.top_up").count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("12.50")
    assert check_group(member.group).problems == []


def test_the_same_key_at_once_with_another_amount_is_refused_and_moves_nothing_more() -> None:
    url, member, secret = _treasury()
    account = member_account(member)
    bodies = [
        {"membership_id": member.pk, "amount": amount, "method": "bank"}
        for amount in ("12.50", "99.00")
    ]
    replies = _at_once(url, secret, account, bodies)
    assert sorted(r.status_code for r in replies) == [201, 422]
    accepted = next(r for r in replies if r.status_code == 201).json()
    refused = next(r for r in replies if r.status_code == 422).json()
    assert refused["errors"][0]["field"] == "Idempotency-Key"
    assert Transaction.objects.filter(group=member.group, kind="top_up").count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal(accepted["amount"])
    assert check_group(member.group).problems == []


def test_the_same_basket_change_twice_at_once_sets_it_once_and_answers_both_alike() -> None:
    cora, mo = make_user("Cora"), make_user("Mo")
    group = make_group(cora)
    add_member(group, mo)
    make_product(make_supplier(group), name="Oats", case_size=6)
    round = open_round(group, cora, list(group.suppliers.all()))
    oats = RoundProduct.objects.get(round=round)
    secret = token_create(user=mo, name="t", scope="read-write")[1]
    url = f"/api/v1/groups/{group.slug}/rounds/{round.pk}/basket/{oats.pk}"
    body = {"quantity": 3, "tolerance": 1}
    replies = _at_once(url, secret, round, [body, body], method="put")
    assert [r.status_code for r in replies] == [200, 200]
    assert replies[0].json()["product"] == replies[1].json()["product"]
    assert list(DemandLine.objects.values_list("quantity", "tolerance")) == [(3, 1)]


def _wait_for_waiting_sessions(count: int) -> None:
    """Until `count` other sessions of this database wait on a lock."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            row = cursor.fetchone()
            if row is not None and row[0] >= count:
                return
            time.sleep(0.05)
    raise AssertionError(f"the {count} requests never all waited")
