"""Hostile price lists through the API: a 422 naming the file, nothing saved, the server alive;
a trailing comma read as on the web."""

from __future__ import annotations

import pytest

from coopbuy.api.tests.catalog_helpers import supplier_url, upload
from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import CatalogImport
from coopbuy.catalog.tests import hostile
from coopbuy.catalog.tests.test_trailing_comma import TRAILING


@pytest.mark.django_db
def test_a_hostile_upload_through_the_api_is_a_422_naming_the_file(world: World) -> None:
    client = world.client("coordinator")
    before = CatalogImport.objects.count()
    for name in sorted(hostile.HOSTILE):
        response = upload(client, supplier_url(world), (hostile.CORPUS / name).read_bytes(), name)
        assert response.status_code == 422, response.content
        problem = response.json()
        assert "an import reads at most" in problem["detail"]
        assert problem["errors"][0]["field"] == "file"
    assert CatalogImport.objects.count() == before


@pytest.mark.django_db
def test_a_trailing_comma_is_previewed_without_errors(world: World) -> None:
    response = upload(world.client("coordinator"), supplier_url(world), TRAILING)
    assert response.status_code == 201, response.content
    assert response.json()["counts"]["errors"] == 0
