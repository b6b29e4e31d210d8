"""Personal access tokens: hashed, shown once, expiring, revocable, scoped, last use recorded."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.api.models import ApiToken
from coopbuy.api.tests.conftest import World, bearer
from coopbuy.testing.factories import make_group, make_user
from coopbuy.tokens.services import TokenError, token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_the_secret_is_not_stored_only_its_sha256(world: World) -> None:
    user = make_user()
    token, secret = token_create(user=user, name="script")
    assert secret.startswith("cb_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        stored = repr(cursor.fetchall())
    assert secret not in stored
    assert secret[10:] not in stored  # the prefix shown in the list is not enough to use it


def test_a_token_authenticates_its_owner_and_records_its_last_use(world: World) -> None:
    user = make_user("Dee")
    token, secret = token_create(user=user, name="t")
    assert token.last_used_at is None
    response = Client(**bearer(secret)).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["token"]["scope"] == "read"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    "header", ["Bearer cb_not-a-token", "Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz"]
)
def test_a_wrong_token_is_401(world: World, header: str) -> None:
    response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_no_longer_works(world: World) -> None:
    token, secret = token_create(user=make_user(), name="old", days_valid=1)
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = Client(**bearer(secret)).get("/api/v1/me")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_revoked_token_no_longer_works(world: World) -> None:
    user = make_user()
    token, secret = token_create(user=user, name="gone")
    token_revoke(token=token, user=user)
    assert Client(**bearer(secret)).get("/api/v1/me").status_code == 401


def test_a_token_of_a_deactivated_person_no_longer_works(world: World) -> None:
    user = make_user()
    _token, secret = token_create(user=user, name="t")
    user.is_active = False
    user.save()
    assert Client(**bearer(secret)).get("/api/v1/me").status_code == 401


def test_a_read_token_reads_but_every_write_is_403(world: World) -> None:
    client = world.client("read_only")
    assert client.get(f"/api/v1/groups/{world.a.slug}/invitations").status_code == 200
    before = world.a.invitations.count()
    response = client.post(
        f"/api/v1/groups/{world.a.slug}/invitations", "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert "read" in response.json()["detail"]
    assert world.a.invitations.count() == before


def test_a_group_limited_token_sees_only_its_group(world: World) -> None:
    client = world.client("limited_to_b")  # held by A's coordinator
    assert client.get(f"/api/v1/groups/{world.b.slug}").status_code == 200
    assert client.get(f"/api/v1/groups/{world.a.slug}").status_code == 404
    mine = client.get("/api/v1/groups/mine").json()
    assert [row["group"]["slug"] for row in mine["items"]] == [world.b.slug]
    found = client.get("/api/v1/groups").json()
    assert [group["slug"] for group in found["items"]] == [world.b.slug]
    response = client.post("/api/v1/groups", json.dumps({"name": "x"}), "application/json")
    assert response.status_code == 403


def test_token_limits_are_checked_when_making_one(world: World) -> None:
    user = make_user()
    with pytest.raises(TokenError) as error:
        token_create(user=user, name="t", days_valid=366)
    assert error.value.field == "days_valid"
    with pytest.raises(TokenError) as error:
        token_create(user=user, name="t", group=make_group())
    assert error.value.field == "group"
    with pytest.raises(TokenError):
        token_create(user=user, name="  ")
    other = make_user()
    token, _secret = token_create(user=other, name="theirs")
    with pytest.raises(TokenError):
        token_revoke(token=token, user=user)


def test_the_settings_page_shows_a_new_secret_once_and_revokes(world: World) -> None:
    user = make_user("Eve")
    group = make_group(user, name="Eve's group")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("tokens:tokens"))
    assert page.status_code == 200
    assert b"You have no tokens yet" in page.content
    response = client.post(
        reverse("tokens:tokens"),
        {"name": "sheet", "scope": "read-write", "group": group.pk, "days_valid": "30"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert secret.encode() in response.content
    assert token.group == group and token.scope == "read-write"
    assert 29 <= (token.expires_at - timezone.now()).days <= 30
    again = client.get(reverse("tokens:tokens"))
    assert secret.encode() not in again.content
    assert token.prefix.encode() in again.content
    client.post(reverse("tokens:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(**bearer(secret)).get("/api/v1/me").status_code == 401


def test_the_settings_page_offers_only_my_groups_and_cannot_revoke_others_tokens(
    world: World,
) -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("tokens:tokens"),
        {"name": "x", "scope": "read", "group": world.a.pk, "days_valid": 9},
    )
    assert "group" in response.context["form"].errors
    assert not ApiToken.objects.filter(user=user).exists()
    theirs, _secret = token_create(user=world.people["member"], name="theirs")
    client.post(reverse("tokens:token_revoke", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_settings_page_needs_a_login(world: World) -> None:
    response = Client().get(reverse("tokens:tokens"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_answers_are_in_english_while_only_english_is_offered(world: World) -> None:
    user = make_user()
    user.language = "de"  # a profile from before German was withdrawn
    user.save()
    _token, secret = token_create(user=user, name="t")
    response = Client(**bearer(secret)).get("/api/v1/groups/no-such-group")
    assert response.status_code == 404
    assert response["Content-Language"] == "en-gb"


def test_i_list_my_tokens_through_the_api_never_their_secrets(world: World) -> None:
    client = world.client("member")
    page = client.get("/api/v1/me/tokens").json()
    assert [row["name"] for row in page["items"]] == ["member"]
    assert page["items"][0]["current"] is True and page["items"][0]["state"] == "active"
    assert world.tokens["member"] not in json.dumps(page)
    assert len(world.client("coordinator").get("/api/v1/me/tokens").json()["items"]) == 4


def test_i_revoke_a_token_through_the_api_and_it_stops_at_once(world: World) -> None:
    spare, secret = token_create(user=world.people["member"], name="spare", scope="read-write")
    client = world.client("member")
    response = client.post(f"/api/v1/me/tokens/{spare.pk}/revoke")
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    assert Client(**bearer(secret)).get("/api/v1/me").status_code == 401
    again = client.post(f"/api/v1/me/tokens/{spare.pk}/revoke")
    assert again.json()["revoked_at"] == response.json()["revoked_at"]  # revoking twice: no change
    assert client.get("/api/v1/me").status_code == 200  # the token in use still works


def test_a_token_may_revoke_itself_but_not_someone_elses(world: World) -> None:
    mine = ApiToken.objects.get(user=world.people["member"])
    theirs = ApiToken.objects.filter(user=world.people["treasurer"]).get()
    client = world.client("member")
    assert client.post(f"/api/v1/me/tokens/{theirs.pk}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert client.post(f"/api/v1/me/tokens/{mine.pk}/revoke").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
