"""Hostile price lists through the API: a 422 naming the file, nothing saved, the server alive."""

from __future__ import annotations

import pytest

from coopbuy.api.tests.catalog_helpers import supplier_url, upload
from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import CatalogImport
from coopbuy.catalog.tests import hostile


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
