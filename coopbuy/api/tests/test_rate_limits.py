"""Rate limits per token, per person and per IP address (anonymous); 429 with Retry-After."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from coopbuy.api.models import RateCounter
from coopbuy.api.ratelimit import take
from coopbuy.api.tests.conftest import World


def test_a_token_over_its_limit_gets_429_with_retry_after(world: World, settings: Any) -> None:
    settings.COOPBUY_API_RATE_LIMITS = {"token": 3}
    client = world.client("member")
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["status"] == 429
    # Another token has its own allowance.
    assert world.client("treasurer").get("/api/v1/me").status_code == 200


def test_every_reply_says_the_limit_what_is_left_and_when_it_resets(
    world: World, settings: Any
) -> None:
    settings.COOPBUY_API_RATE_LIMITS = {"token": 3}
    client = world.client("member")
    replies = [client.get("/api/v1/me") for _ in range(4)]
    assert [r["RateLimit-Remaining"] for r in replies] == ["2", "1", "0", "0"]
    assert {r["RateLimit-Limit"] for r in replies} == {"3"}
    assert all(1 <= int(r["RateLimit-Reset"]) <= 60 for r in replies)
    assert replies[-1].status_code == 429
    anonymous = Client(REMOTE_ADDR="10.0.0.9").get("/api/v1/groups")
    assert anonymous["RateLimit-Limit"] == "120"
    assert "RateLimit-Limit" not in Client().get("/health/")  # only the API is counted


def test_anonymous_callers_are_limited_per_ip_address(world: World, settings: Any) -> None:
    settings.COOPBUY_API_RATE_LIMITS = {"anonymous": 2}
    here, there = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert [here.get("/api/v1/groups").status_code for _ in range(3)] == [200, 200, 429]
    assert there.get("/api/v1/groups").status_code == 200


def test_failed_authentication_counts_against_the_ip_address(world: World, settings: Any) -> None:
    settings.COOPBUY_API_RATE_LIMITS = {"anonymous": 2}
    client = Client(HTTP_AUTHORIZATION="Bearer cb_wrong", REMOTE_ADDR="10.0.0.3")
    statuses = [client.get("/api/v1/me").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert "Retry-After" in client.get("/api/v1/me")


def test_a_forwarded_address_is_trusted_only_behind_configured_proxies(
    world: World, settings: Any
) -> None:
    settings.COOPBUY_API_RATE_LIMITS = {"anonymous": 1}
    spoofer = Client(REMOTE_ADDR="10.0.0.4")
    assert spoofer.get("/api/v1/groups", HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert spoofer.get("/api/v1/groups", HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.COOPBUY_API_RATE_LIMITS = {"anonymous": 1, "trusted_proxies": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    assert proxy.get("/api/v1/groups", HTTP_X_FORWARDED_FOR="3.3.3.3").status_code == 200
    assert proxy.get("/api/v1/groups", HTTP_X_FORWARDED_FOR="4.4.4.4").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_pass_exactly_the_limit(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs concurrent transactions")
    settings.COOPBUY_API_RATE_LIMITS = {"window_seconds": 86400}  # one window for the whole test
    passed: list[bool] = []
    start = threading.Barrier(8)

    def hit() -> None:
        try:
            start.wait()
            passed.extend(take("race", 5) for _ in range(3))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(passed) == 24
    assert sum(passed) == 5  # 24 tries: 5 pass, however they interleave
    assert list(RateCounter.objects.values_list("bucket", "count")) == [("race", 5)]
