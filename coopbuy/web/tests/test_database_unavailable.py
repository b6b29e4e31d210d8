"""While the database cannot be reached, pages and the API answer 503 with Retry-After, not 500.

For real: the test points the connection at a port nothing listens on (PostgreSQL refuses it), so
every query of the request fails to connect, as it does while PostgreSQL is down or restarting.
An error of one statement on a working database (a statement timeout here) stays what it was.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client

from coopbuy.api.unavailable import database_unreachable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="breaks a PostgreSQL connection"),
]


def _closed_port() -> int:
    """A port on this machine that nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _database_down() -> Iterator[None]:
    db = connections["default"]
    saved = dict(db.settings_dict)
    db.close()
    db.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        yield
    finally:
        db.close()
        db.settings_dict.clear()
        db.settings_dict.update(saved)


def test_a_page_says_coopbuy_is_briefly_unavailable_with_503_and_retry_after() -> None:
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get("/groups/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "coopbuy is briefly unavailable, try again in a minute." in page
    assert '<html lang="en">' in page and "<main" in page and "<h1>" in page
    assert not re.search(r"<script|style=", page)
    assert "Traceback" not in page
    assert client.get("/groups/").status_code == 200  # and back once the database is


def test_a_form_sent_while_the_database_is_down_gets_the_same_page() -> None:
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 503
    assert "briefly unavailable" in response.content.decode()


def test_the_api_answers_503_with_a_detail_and_retry_after() -> None:
    client = Client(raise_request_exception=False)
    with _database_down():
        response = client.get("/api/v1/groups")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == "coopbuy is briefly unavailable, try again in a minute."
    assert body["status"] == 503


def test_a_statement_that_fails_on_a_working_database_is_not_taken_for_an_outage() -> None:
    with pytest.raises(OperationalError) as failed, connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert not database_unreachable(failed.value)  # 57014, query cancelled: a 500 as before
    with _database_down(), pytest.raises(OperationalError) as refused:
        connections["default"].ensure_connection()
    assert database_unreachable(refused.value)
