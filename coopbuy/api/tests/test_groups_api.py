"""The groups API does what the web does, through the same services and permission helpers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from coopbuy.api.tests.conftest import World
from coopbuy.audit.models import AuditEvent
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.testing.factories import make_group, make_user


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, "/api/v1" + url, data, content_type="application/json")


def test_create_a_group_and_become_its_coordinator(world: World) -> None:
    response = call(
        world.client("outsider"),
        "POST",
        "/groups",
        {"name": "Elm Street Co-op", "latitude": "51.5", "longitude": "-0.12", "currency": "EUR"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "elm-street-co-op" and body["my_role"] == "coordinator"
    assert body["latitude"] == "51.500000" and body["currency"] == "EUR"
    group = BuyingGroup.objects.get(slug="elm-street-co-op")
    assert Membership.objects.get(group=group).user == world.people["outsider"]
    assert AuditEvent.objects.filter(group=group, action="group.created").exists()


def test_a_service_refusal_names_its_field_as_422(world: World) -> None:
    response = call(
        world.client("outsider"), "POST", "/groups", {"name": "X", "slug": world.a.slug}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "slug"
    response = call(world.client("outsider"), "POST", "/groups", {"name": "X", "latitude": "1"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "longitude", "message": "Give both latitude and longitude, or neither."}
    ]


def test_update_changes_only_the_fields_sent(world: World) -> None:
    response = call(
        world.client("coordinator"), "PATCH", f"/groups/{world.a.slug}", {"join_policy": "open"}
    )
    assert response.status_code == 200
    world.a.refresh_from_db()
    assert world.a.join_policy == "open"
    assert world.a.name == "Group A" and world.a.visibility == "private"


def test_lists_are_pages_with_links(world: World) -> None:
    for number in range(3):
        make_group(name=f"Orchard {number}")
    client = world.client("outsider")
    first = call(client, "GET", "/groups?q=orchard&limit=2").json()
    assert first["count"] == 3 and len(first["items"]) == 2
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/groups?")
    second = client.get(first["next"]).json()
    assert [g["name"] for g in second["items"]] == ["Orchard 2"]
    assert second["next"] is None and second["previous"] is not None
    names = [g["name"] for g in call(client, "GET", "/groups?limit=100").json()["items"]]
    assert "Group A" not in names  # private groups are never listed


def test_members_are_listed_coordinators_first_without_email_addresses(world: World) -> None:
    body = call(world.client("member"), "GET", f"/groups/{world.a.slug}/members").json()
    assert body["items"][0]["role"] == "coordinator"
    assert body["count"] == Membership.objects.active().filter(group=world.a).count()
    assert "@" not in json.dumps(body)


def test_the_last_coordinator_keeps_the_group(world: World) -> None:
    mine = Membership.objects.get(group=world.a, user=world.people["coordinator"])
    client = world.client("coordinator")
    response = call(
        client, "PATCH", f"/groups/{world.a.slug}/members/{mine.pk}", {"role": "member"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"
    response = call(client, "POST", f"/groups/{world.a.slug}/leave")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    mine.refresh_from_db()
    assert mine.role == "coordinator"


def test_a_coordinator_changes_a_role_and_removes_a_member(world: World) -> None:
    client, target = world.client("coordinator"), world.member_a
    url = f"/groups/{world.a.slug}/members/{target.pk}"
    response = call(client, "PATCH", url, {"role": "treasurer"})
    assert response.status_code == 200 and response.json()["role"] == "treasurer"
    refused = call(client, "DELETE", url)
    assert refused.status_code == 409
    assert "30.00 GBP in credit: refund it, or write the balance off" in refused.json()["detail"]
    written_off = call(client, "POST", f"{url}/write-off", {"reason": "moved away"})
    assert written_off.status_code == 201 and written_off.json()["amount"] == "-30.00"
    assert call(client, "DELETE", url).json() == {"ok": True}
    target.refresh_from_db()
    assert (target.end_reason, target.ended_by) == ("removed", world.people["coordinator"])
    assert call(client, "DELETE", url).status_code == 404
    listed = call(client, "GET", f"/groups/{world.a.slug}/members").json()["items"]
    assert target.pk not in [row["id"] for row in listed]


def test_an_invitation_made_by_api_lets_someone_join(world: World) -> None:
    created = call(
        world.client("coordinator"),
        "POST",
        f"/groups/{world.a.slug}/invitations",
        {"role": "treasurer", "max_uses": 1, "days_valid": 7},
    ).json()
    assert created["state"] == "active" and created["url"].endswith(f"/join/{created['code']}/")
    joined = call(world.client("outsider"), "POST", f"/invitations/{created['code']}/accept")
    assert joined.status_code == 201
    assert joined.json()["group"] == world.a.slug and joined.json()["role"] == "treasurer"
    again = call(world.client("coordinator_b"), "POST", f"/invitations/{created['code']}/accept")
    assert again.status_code == 409  # used up
    revoked = call(
        world.client("coordinator"),
        "POST",
        f"/groups/{world.a.slug}/invitations/{created['id']}/revoke",
    )
    assert revoked.json()["state"] == "revoked"
    assert Invitation.objects.get(pk=created["id"]).revoked_at is not None


def test_an_email_invitation_is_sent(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            world.client("coordinator"),
            "POST",
            f"/groups/{world.a.slug}/invitations",
            {"email": "new.person@example.org"},
        )
    assert response.status_code == 201 and response.json()["max_uses"] == 1
    # The commit also sends what the world's set-up left in the outbox: pick the invitation out.
    assert [m.to for m in mail.outbox].count(["new.person@example.org"]) == 1
    bad = call(
        world.client("coordinator"),
        "POST",
        f"/groups/{world.a.slug}/invitations",
        {"email": "not an address"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"


def test_join_requests_are_asked_answered_and_withdrawn(world: World) -> None:
    asker = world.client("outsider")
    public = make_group(name="Open door", join_policy="approval")
    response = call(asker, "POST", f"/groups/{public.slug}/join-requests", {"message": "Hi"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert call(asker, "POST", f"/groups/{public.slug}/join-requests", {}).status_code == 409
    withdrawn = call(asker, "POST", f"/groups/{public.slug}/join-requests/mine/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    again = call(asker, "POST", f"/groups/{public.slug}/join-requests/mine/withdraw")
    assert again.status_code == 404
    coordinator = world.client("coordinator")
    pending = call(coordinator, "GET", f"/groups/{world.a.slug}/join-requests").json()
    assert [r["id"] for r in pending["items"]] == [world.request_a.pk]
    url = f"/groups/{world.a.slug}/join-requests/{world.request_a.pk}/approve"
    assert call(coordinator, "POST", url).json()["status"] == "approved"
    assert Membership.objects.filter(group=world.a, user=world.request_a.user).exists()
    assert call(coordinator, "POST", url).status_code == 409  # already answered


def test_an_open_group_is_joined_directly_and_left(world: World) -> None:
    client = world.client("outsider")
    response = call(client, "POST", f"/groups/{world.b.slug}/join")
    assert response.status_code == 201 and response.json()["role"] == "member"
    assert call(client, "POST", f"/groups/{world.b.slug}/join").status_code == 409
    assert call(client, "POST", f"/groups/{world.b.slug}/leave").json() == {"ok": True}
    approval = make_group(name="Ask first", join_policy="approval")
    assert call(client, "POST", f"/groups/{approval.slug}/join").status_code == 409
    assert not JoinRequest.objects.filter(group=approval).exists()


@pytest.mark.django_db
def test_the_browser_session_works_and_writes_need_the_csrf_token() -> None:
    user = make_user("Sam")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/me").json()["email"] == user.email
    response = client.post("/api/v1/groups", json.dumps({"name": "Sam's"}), "application/json")
    assert response.status_code == 403
    assert not BuyingGroup.objects.exists()
    client.get("/api/tokens/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/groups",
        json.dumps({"name": "Sam's"}),
        "application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201
    assert make_user().pk  # the session user is not confused with anyone else


@pytest.mark.django_db
def test_an_invalid_token_is_refused_even_with_a_valid_session() -> None:
    client = Client(HTTP_AUTHORIZATION="Bearer cb_wrong")
    client.force_login(make_user())
    assert client.get("/api/v1/me").status_code == 401
