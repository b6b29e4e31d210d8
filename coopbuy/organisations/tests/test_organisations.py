"""Organisations: the creator becomes admin; admins add and remove admins (one always stays);
only admins see the organisation's page and API (issue 10, item 6b)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.organisations.models import OrganisationAdmin
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.organisations.services import (
    OrganisationError,
    organisation_admin_add,
    organisation_admin_end,
    organisation_create,
)
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_creator_becomes_the_first_admin_and_it_is_audited() -> None:
    olga = make_user("Olga")
    mill = organisation_create(creator=olga, name=" Mill Co-op ", kind="employer")
    assert (mill.name, mill.slug, mill.kind) == ("Mill Co-op", "mill-co-op", "employer")
    assert list(OrganisationAdmin.objects.values_list("user", flat=True)) == [olga.pk]
    assert AuditEvent.objects.filter(action="organisation.created", actor=olga).exists()
    with pytest.raises(OrganisationError, match="taken") as taken:
        organisation_create(creator=make_user(), name="Mill co-op", kind="community")
    assert taken.value.field == "slug"
    with pytest.raises(OrganisationError) as unknown:
        organisation_create(creator=olga, name="X", kind="bank")
    assert unknown.value.field == "kind"


def test_admins_add_and_remove_admins_and_one_always_stays() -> None:
    olga, pat, stranger = make_user("Olga"), make_user("Pat"), make_user("Stranger")
    mill = organisation_create(creator=olga, name="Mill", kind="retailer")
    with pytest.raises(PermissionDenied):
        organisation_admin_add(organisation=mill, actor=stranger, user=stranger)
    second = organisation_admin_add(organisation=mill, actor=olga, user=pat)
    with pytest.raises(OrganisationError, match="already runs"):
        organisation_admin_add(organisation=mill, actor=pat, user=olga)
    first = OrganisationAdmin.objects.get(user=olga)
    organisation_admin_end(admin=first, actor=pat)
    first.refresh_from_db()
    assert first.ended_at is not None  # ended, kept
    with pytest.raises(OrganisationError, match="at least one admin"):
        organisation_admin_end(admin=second, actor=pat)
    assert {e.action for e in AuditEvent.objects.all()} >= {
        "organisation.admin_added",
        "organisation.admin_ended",
    }
    with pytest.raises(Http404, match="no organisation"):
        organisation_for_admin(slug=mill.slug, user=olga)


def test_only_admins_see_the_page_and_the_api() -> None:
    olga, other = make_user("Olga"), make_user("Other")
    mill = organisation_create(creator=olga, name="Mill", kind="community", description="Hi")
    page = reverse("organisations:detail", args=[mill.slug])
    assert _client(olga).get(page).status_code == 200
    assert _client(other).get(page).status_code == 404
    response = _client(olga).post(page, {"email": other.email})
    assert response.status_code == 302
    assert _client(other).get(page).status_code == 200
    missing = _client(olga).post(page, {"email": "nobody@example.org"})
    assert "ask them to sign up" in missing.content.decode()

    created = _client(other).post(
        reverse("organisations:create"), {"name": "Corner shop", "kind": "retailer"}
    )
    assert created.status_code == 302 and created["Location"] == "/organisations/corner-shop/"

    api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=olga, name='t')[1]}")
    assert [o["slug"] for o in api.get("/api/v1/organisations/mine").json()["items"]] == ["mill"]
    assert api.get("/api/v1/organisations/mill").json()["description"] == "Hi"
    admins = api.get("/api/v1/organisations/mill/admins").json()["items"]
    assert sorted(a["person"]["name"] for a in admins) == ["Olga", "Other"]
    assert api.get("/api/v1/organisations/corner-shop").status_code == 404
