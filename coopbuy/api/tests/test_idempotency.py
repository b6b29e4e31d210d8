"""Idempotency-Key: a retry replays the first reply and changes nothing, even when concurrent."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from coopbuy.api.idempotency import purge_expired_keys
from coopbuy.api.models import IdempotencyRecord
from coopbuy.api.tests.conftest import World, bearer
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest
from coopbuy.testing.factories import make_group, make_user
from coopbuy.tokens.services import token_create


def post(client: Client, url: str, body: dict[str, Any], key: str | None) -> Any:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def invitations_url(world: World) -> str:
    return f"/api/v1/groups/{world.a.slug}/invitations"


def test_the_same_key_twice_creates_once_and_replays_status_and_body(world: World) -> None:
    client = world.client("coordinator")
    before = Invitation.objects.count()
    first = post(client, invitations_url(world), {"role": "treasurer"}, "key-1")
    again = post(client, invitations_url(world), {"role": "treasurer"}, "key-1")
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert Invitation.objects.count() == before + 1


def test_the_same_key_with_a_different_body_is_refused_and_changes_nothing(world: World) -> None:
    client = world.client("coordinator")
    post(client, invitations_url(world), {"role": "treasurer"}, "key-2")
    count = Invitation.objects.count()
    response = post(client, invitations_url(world), {"role": "member"}, "key-2")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["detail"] == "Idempotency-Key reused with a different request."
    assert problem["errors"] == [
        {"field": "Idempotency-Key", "message": "Idempotency-Key reused with a different request."}
    ]
    assert Invitation.objects.count() == count


def test_the_same_key_on_another_address_is_refused(world: World) -> None:
    client = world.client("coordinator")
    post(client, invitations_url(world), {"role": "member"}, "key-3")
    response = post(client, "/api/v1/groups", {"name": "Other"}, "key-3")
    assert response.status_code == 422
    assert not BuyingGroup.objects.filter(name="Other").exists()


def test_without_a_key_each_post_acts(world: World) -> None:
    client = world.client("coordinator")
    before = Invitation.objects.count()
    post(client, invitations_url(world), {"role": "member"}, None)
    post(client, invitations_url(world), {"role": "member"}, None)
    assert Invitation.objects.count() == before + 2


def test_keys_belong_to_their_caller(world: World) -> None:
    """Two callers may happen to choose the same key: each gets their own effect."""
    for role in ("outsider", "coordinator_b"):
        response = post(world.client(role), "/api/v1/groups", {"name": f"By {role}"}, "same")
        assert response.status_code == 201
    assert BuyingGroup.objects.filter(name__startswith="By ").count() == 2


def test_a_refused_request_keeps_no_key_and_may_be_retried(world: World) -> None:
    client = world.client("outsider")
    taken = {"name": "Taken", "slug": world.a.slug}
    response = post(client, "/api/v1/groups", taken, "retry-me")
    assert response.status_code == 422
    assert not IdempotencyRecord.objects.filter(key="retry-me").exists()
    world.a.slug = "moved-away"
    world.a.save()
    response = post(client, "/api/v1/groups", taken, "retry-me")
    assert response.status_code == 201


def test_a_key_older_than_a_day_is_forgotten(world: World) -> None:
    client = world.client("coordinator")
    post(client, invitations_url(world), {"role": "member"}, "old")
    IdempotencyRecord.objects.filter(key="old").update(expires_at=timezone.now() - timedelta(1))
    before = Invitation.objects.count()
    response = post(client, invitations_url(world), {"role": "member"}, "old")
    assert response.status_code == 201
    assert Invitation.objects.count() == before + 1


def test_expired_keys_of_everyone_are_purged(world: World) -> None:
    for role in ("coordinator", "treasurer"):
        post(world.client(role), "/api/v1/groups", {"name": f"Purge {role}"}, "p")
    stale = IdempotencyRecord.objects.order_by("pk").first()
    assert stale is not None
    IdempotencyRecord.objects.filter(pk=stale.pk).update(expires_at=timezone.now())
    assert purge_expired_keys() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "é"])
def test_a_malformed_key_is_a_bad_request(world: World, key: str) -> None:
    response = post(world.client("coordinator"), invitations_url(world), {}, key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_act_once_on_postgresql() -> None:
    """Two threads post the same key while the group row is locked; one acts, both get its reply."""
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks and concurrent transactions (PostgreSQL)")
    group = make_group(name="Locked", visibility="public", join_policy="approval")
    asker = make_user("Asker")
    secret = token_create(user=asker, name="t", scope="read-write")[1]
    url = f"/api/v1/groups/{group.slug}/join-requests"
    replies: list[Any] = []

    def ask() -> None:
        try:
            client = Client(**bearer(secret))
            replies.append(post(client, url, {"message": "hello"}, "one-key"))
        finally:
            connections.close_all()

    with transaction.atomic():
        # The service locks the group row: hold it so both requests are inside their transactions.
        BuyingGroup.objects.select_for_update().get(pk=group.pk)
        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()
        _wait_for_waiting_sessions(2)
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in replies] == [201, 201]
    assert replies[0].content == replies[1].content
    assert JoinRequest.objects.filter(group=group, user=asker).count() == 1


def _wait_for_waiting_sessions(count: int) -> None:
    """Until `count` other sessions wait on a lock (one on the group row, one on the key row)."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.05)
    raise AssertionError("the two requests never both waited")
