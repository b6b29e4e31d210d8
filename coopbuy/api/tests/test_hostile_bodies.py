"""Request bodies made to break the API: each a problem+json saying what is wrong, never a 500."""

from __future__ import annotations

import pytest

from coopbuy.api.tests.conftest import World
from coopbuy.groups.models import BuyingGroup

JSON = "application/json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "Elm \\ud800 Street"}', "name"),
        ('{"name": "Elm", "description": "\\udfff"}', "description"),
        ('{"name": "Elm", "place": {"\\ud800": 1}}', "place.?"),
    ],
)
def test_a_lone_surrogate_is_a_400_naming_the_field(world: World, body: str, field: str) -> None:
    before = BuyingGroup.objects.count()
    response = world.client("coordinator").post("/api/v1/groups", body, JSON)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field and "surrogate" in problem["detail"]
    assert BuyingGroup.objects.count() == before


def test_a_body_over_the_limit_is_a_413_problem(world: World) -> None:
    body = '{"name": "' + "x" * (2_621_440 + 10) + '"}'
    response = world.client("coordinator").post("/api/v1/groups", body, JSON)
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert "larger than 2.5" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"name": ' + "1" * 5000 + "}", "[" * 70 + "]" * 70],
    ids=["deeply-nested", "huge-number", "nested-past-the-depth"],
)
def test_unreadable_json_is_a_400_problem(world: World, body: str) -> None:
    response = world.client("coordinator").post("/api/v1/groups", body, JSON)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
