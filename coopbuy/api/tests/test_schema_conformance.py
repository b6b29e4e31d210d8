"""Schemathesis against the live schema: no server error, every response as documented.

The Django WSGI application runs in-process inside the test's transaction, with a seeded world and
group A's coordinator's read-write token; generation is deterministic and bounded per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coopbuy.api.tests.access import path_parameters
from coopbuy.api.tests.conftest import World, one_world_for_the_module
from coopbuy.config.api import api
from coopbuy.config.wsgi import application


@schemathesis.check
def valid_data_passes_validation(ctx: Any, response: Any, case: Any) -> bool | None:
    """What the schema calls valid, the parser must accept (services may still refuse it)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code == 422:
        problem = response.json()
        assert problem["type"] != "urn:coopbuy:problem:validation-error", problem
    return None


CHECKS = [
    valid_data_passes_validation,
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = application
schema.config.generation.update(
    max_examples=20, deterministic=True, database="none", with_security_parameters=False
)


pytestmark = pytest.mark.django_db  # each operation in its own savepoint inside the world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One world for every operation (about 200), each operation in a savepoint."""
    with one_world_for_the_module(django_db_blocker) as built:
        yield built


@pytest.fixture(autouse=True)
def _in_process(settings: Any) -> Iterator[None]:
    settings.COOPBUY_API_RATE_LIMITS = {"token": 10**6, "user": 10**6, "anonymous": 10**6}
    # As Django's test client does: keep the test's connection (and transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(path: str, world: World, generated: dict[str, Any]) -> dict[str, Any]:
    """Real ids for the path's parameters, as the authorization matrix fills them (group A's)."""
    template = path.removeprefix("/api/v1")
    known = path_parameters(template, world, world.a.slug)
    return {name: known[name] for name in generated if name in known}


@schema.parametrize()
@settings(  # times with a year pattern filter many candidates
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much]
)
def test_every_operation_answers_as_documented(case: Any, world: World) -> None:
    if case.path_parameters and "slug" in case.path_parameters:  # A's (or its federation's)
        case.path_parameters["slug"] = real_ids(case.path, world, {"slug": ""})["slug"]
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if case.path_parameters and positive:  # reach real handlers with A's real ids, not only 404s
        # (a negative case keeps its own ids: an invalid id may be the part that must be refused)
        case.path_parameters.update(real_ids(case.path, world, case.path_parameters))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world.tokens['coordinator']}"}, checks=CHECKS
    )
