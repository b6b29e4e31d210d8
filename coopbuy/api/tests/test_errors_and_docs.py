"""Errors are problem+json naming the field at fault; the schema and docs are complete and local."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from ninja import Schema

from coopbuy.api.schemas import MONEY_PATTERN, Money
from coopbuy.api.tests.conftest import World


def test_validation_errors_name_each_field(world: World) -> None:
    response = world.client("coordinator").post(
        f"/api/v1/groups/{world.a.slug}/invitations",
        json.dumps({"role": "boss", "days_valid": 500}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "urn:coopbuy:problem:validation-error"
    assert {error["field"] for error in problem["errors"]} == {"role", "days_valid"}
    response = world.client("coordinator").get("/api/v1/groups?limit=0")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["limit"]


def test_a_body_that_is_not_json_is_400(world: World) -> None:
    response = world.client("coordinator").post(
        "/api/v1/groups", "{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["type"] == "urn:coopbuy:problem:bad-request"


def test_nul_characters_are_refused_before_they_reach_the_database(world: World) -> None:
    response = world.client("coordinator").post(
        "/api/v1/groups", json.dumps({"name": "a\x00b"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


@pytest.mark.parametrize(
    "path", ["/api/nothing", "/api/v1/nothing", "/api/v1/groups/not%20a%20slug", "/api/v2/me"]
)
def test_unknown_addresses_under_api_are_problem_json_not_html(world: World, path: str) -> None:
    response = world.client("member").get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_a_wrong_method_is_405_problem_json_with_allow(world: World) -> None:
    response = world.client("member").put("/api/v1/me")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert set(response["Allow"].split(", ")) == {"GET", "PATCH"}
    assert response.json()["type"] == "urn:coopbuy:problem:method-not-allowed"


def test_the_schema_documents_problems_and_idempotency_keys(world: World) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("401", "403", "404", "422", "429"):
                assert list(responses[status]["content"]) == ["application/problem+json"], (
                    path,
                    method,
                    status,
                )
            assert "Retry-After" in responses["429"]["headers"]
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            assert ("Idempotency-Key" in headers) == (method == "post"), (path, method)
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"type", "title", "status", "detail"}


def test_money_is_a_decimal_string_never_a_number() -> None:
    class Price(Schema):
        amount: Money

    assert Price(amount=Decimal("3.5")).model_dump(mode="json") == {"amount": "3.50"}
    assert Price.model_validate({"amount": "0.10"}).amount == Decimal("0.10")
    for number in (0.1, 12, True):
        with pytest.raises(ValueError, match="never as numbers"):
            Price.model_validate({"amount": number})
    schema = Price.model_json_schema()["properties"]["amount"]
    assert schema["type"] == "string" and schema["pattern"] == MONEY_PATTERN
    assert re.match(MONEY_PATTERN, "-12.50") and not re.match(MONEY_PATTERN, "12.5")


def test_the_interactive_docs_load_nothing_from_elsewhere(world: World) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for source in sources:
        assert source.startswith("/"), source  # same site only: no CDN
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    assert 'data-openapi-url="/api/v1/openapi.json"' in html


def test_an_address_with_a_line_break_is_a_problem_not_an_html_page(client: Client) -> None:
    response = client.patch("/api/v1/groups/x/members/1%0A2", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
