"""Load shedding: a request the proxy stamped too long ago is refused with 503, nothing run."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.test.utils import override_settings

from coopbuy.api.models import ApiToken
from coopbuy.groups.models import BuyingGroup
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create
from coopbuy.web.shedding import queued_since

pytestmark = pytest.mark.django_db


def _stamp(seconds_ago: float) -> str:
    return f"t={time.time() - seconds_ago:.3f}"


def _create_group(client: Client, token: str, stamp: str | None) -> tuple[int, dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"}
    if stamp is not None:
        headers["X-Request-Start"] = stamp
    response = client.post(
        "/api/v1/groups", {"name": "Late Greens"}, content_type="application/json", headers=headers
    )
    return response.status_code, dict(response.headers)


@pytest.fixture
def token() -> str:
    _token, secret = token_create(user=make_user("Pat"), name="t", scope=ApiToken.Scope.READ_WRITE)
    return secret


SHEDDING = override_settings(LOAD_SHED_QUEUE_SECONDS=2.0)


@SHEDDING
def test_a_request_that_waited_too_long_is_refused_and_changes_nothing(token: str) -> None:
    status, headers = _create_group(Client(), token, _stamp(5))
    assert status == 503
    assert headers["Retry-After"] == "2"
    assert headers["Content-Type"] == "application/problem+json"
    assert not BuyingGroup.objects.exists()
    response = Client().get("/", HTTP_X_REQUEST_START=_stamp(5))
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "too busy" in response.content.decode()


@SHEDDING
def test_a_request_within_the_limit_is_served(token: str) -> None:
    status, _headers = _create_group(Client(), token, _stamp(0.5))
    assert status == 201
    assert BuyingGroup.objects.filter(name="Late Greens").count() == 1


@pytest.mark.parametrize("stamp", [None, "", "t=soon", "t=-5", "t=nan", "t=inf"])
@SHEDDING
def test_without_a_readable_stamp_the_request_is_served(token: str, stamp: str | None) -> None:
    status, _headers = _create_group(Client(), token, stamp)
    assert status == 201


@override_settings(LOAD_SHED_QUEUE_SECONDS=None)
def test_off_unless_configured(token: str) -> None:
    status, _headers = _create_group(Client(), token, _stamp(60))
    assert status == 201


@SHEDDING
def test_health_and_ready_are_never_shed() -> None:
    assert Client().get("/health/", HTTP_X_REQUEST_START=_stamp(60)).status_code == 200
    ready = Client().get("/ready/", HTTP_X_REQUEST_START=_stamp(60))  # 503 without a worker
    assert "Retry-After" not in ready.headers and "too busy" not in ready.content.decode()


def test_stamps_in_seconds_milliseconds_and_microseconds() -> None:
    assert queued_since("t=1700000000.250") == pytest.approx(1700000000.25)
    assert queued_since("1700000000250") == pytest.approx(1700000000.25)
    assert queued_since("t=1700000000250000") == pytest.approx(1700000000.25)
    assert queued_since("t=") is None
    assert queued_since("t=0") is None
