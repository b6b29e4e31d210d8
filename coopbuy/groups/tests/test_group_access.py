"""Who can see and do what, through the web: every group URL for every role and for outsiders."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.groups import invitations, join_requests
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, object]:
    """A private group A with a coordinator, a treasurer and a member; a group B next door."""
    group_a = make_group(name="Group A", visibility="private", join_policy="approval")
    group_b = make_group(name="Group B", visibility="public", join_policy="approval")
    return {
        "a": group_a,
        "b": group_b,
        "coordinator": coordinator_of(group_a),
        "treasurer": add_member(group_a, role="treasurer").user,
        "member": add_member(group_a).user,
        "outsider": make_user("Outsider"),
        "coordinator_b": coordinator_of(group_b),
        "member_b": add_member(group_b),
        "invitation_b": invitations.invitation_create(group=group_b, actor=coordinator_of(group_b)),
        "request_b": join_requests.join_request_create(group=group_b, user=make_user("Asker")),
    }


def test_a_non_member_cannot_see_a_private_group_or_its_members(world: dict) -> None:
    group = world["a"]
    for who in (None, world["outsider"], world["coordinator_b"]):
        client = client_for(who)
        assert client.get(reverse("groups:detail", args=[group.slug])).status_code == 404
        response = client.get(reverse("groups:members", args=[group.slug]))
        assert response.status_code in {302, 404}  # anonymous people are sent to log in first
        assert b"Group A" not in client.get(reverse("groups:find")).content


def test_a_public_group_shows_its_page_but_not_its_members_to_outsiders(world: dict) -> None:
    client = client_for(world["outsider"])
    assert client.get(reverse("groups:detail", args=[world["b"].slug])).status_code == 200
    assert client.get(reverse("groups:members", args=[world["b"].slug])).status_code == 403


def test_members_see_the_member_list_but_only_coordinators_see_manage_pages(world: dict) -> None:
    slug = world["a"].slug
    manage_pages = ["groups:invitations", "groups:settings", "groups:activity"]
    for who in ("member", "treasurer"):
        client = client_for(world[who])
        assert client.get(reverse("groups:members", args=[slug])).status_code == 200
        for name in manage_pages:
            assert client.get(reverse(name, args=[slug])).status_code == 403, (who, name)
    client = client_for(world["coordinator"])
    for name in [*manage_pages, "groups:members"]:
        assert client.get(reverse(name, args=[slug])).status_code == 200, name


def test_a_member_cannot_change_roles_through_the_web(world: dict) -> None:
    target = Membership.objects.get(group=world["a"], user=world["treasurer"])
    response = client_for(world["member"]).post(
        reverse("groups:member_role", args=[world["a"].slug, target.pk]), {"role": "coordinator"}
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == "treasurer"


def _writes_against_b(world: dict) -> list[tuple[str, list[object], dict[str, str]]]:
    b = world["b"]
    return [
        ("groups:member_role", [b.slug, world["member_b"].pk], {"role": "coordinator"}),
        ("groups:member_remove", [b.slug, world["member_b"].pk], {}),
        ("groups:join_request_decide", [b.slug, world["request_b"].pk], {"decision": "approve"}),
        (
            "groups:invitations",
            [b.slug],
            {"kind": "link", "role": "coordinator", "days_valid": "5"},
        ),
        ("groups:invitation_revoke", [b.slug, world["invitation_b"].pk], {}),
        (
            "groups:settings",
            [b.slug],
            {"name": "Taken", "visibility": "public", "join_policy": "open"},
        ),
    ]


def _state_of_b(world: dict) -> tuple[object, ...]:
    b = world["b"]
    return (
        list(Membership.objects.filter(group=b).order_by("pk").values_list("user", "role")),
        list(Invitation.objects.filter(group=b).values_list("pk", "revoked_at")),
        list(JoinRequest.objects.filter(group=b).values_list("pk", "status")),
        BuyingGroup.objects.filter(pk=b.pk).values_list("name", "join_policy").get(),
        AuditEvent.objects.filter(group=b).count(),
    )


@pytest.mark.parametrize("who", ["coordinator", "treasurer", "member", "outsider"])
def test_nobody_from_group_a_can_change_group_b(world: dict, who: str) -> None:
    before = _state_of_b(world)
    client = client_for(world[who])
    for name, args, data in _writes_against_b(world):
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 403, (who, name, response.status_code)
    # Ids of group B's rows under group A's address are not found either.
    a = world["a"]
    coordinator = client_for(world["coordinator"])
    for name, pk in (
        ("groups:member_role", world["member_b"].pk),
        ("groups:member_remove", world["member_b"].pk),
        ("groups:join_request_decide", world["request_b"].pk),
        ("groups:invitation_revoke", world["invitation_b"].pk),
    ):
        response = coordinator.post(
            reverse(name, args=[a.slug, pk]), {"role": "member", "decision": "approve"}
        )
        assert response.status_code == 404, name
    assert _state_of_b(world) == before


def test_anonymous_writes_are_sent_to_log_in_and_change_nothing(world: dict) -> None:
    before = _state_of_b(world)
    client = client_for(None)
    for name, args, data in _writes_against_b(world):
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert _state_of_b(world) == before


def test_coordinator_changes_a_role_with_htmx_and_gets_the_row_back(world: dict) -> None:
    target = Membership.objects.get(group=world["a"], user=world["member"])
    response = client_for(world["coordinator"]).post(
        reverse("groups:member_role", args=[world["a"].slug, target.pk]),
        {"role": "treasurer"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert f'id="member-{target.pk}"' in response.content.decode()
    assert "Saved" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "treasurer"


def test_demoting_the_only_coordinator_shows_why_in_the_row(world: dict) -> None:
    own = Membership.objects.get(group=world["a"], user=world["coordinator"])
    response = client_for(world["coordinator"]).post(
        reverse("groups:member_role", args=[world["a"].slug, own.pk]),
        {"role": "member"},
        headers={"HX-Request": "true"},
    )
    assert "only coordinator" in response.content.decode()
    own.refresh_from_db()
    assert own.role == "coordinator"


def test_expired_invitation_page_says_so(world: dict) -> None:
    invitation = world["invitation_b"]
    invitations.invitation_revoke(invitation=invitation, actor=world["coordinator_b"])
    response = client_for(world["outsider"]).get(
        reverse("groups:invitation", args=[invitation.code])
    )
    assert response.status_code == 410
    assert "withdrawn by the group" in response.content.decode()
    response = client_for(world["outsider"]).post(
        reverse("groups:invitation", args=[invitation.code])
    )
    assert not Membership.objects.filter(group=world["b"], user=world["outsider"]).exists()


def test_create_group_form_shows_field_errors_and_keeps_what_was_typed() -> None:
    make_group(name="Leith Larder")
    client = client_for(make_user())
    response = client.post(
        reverse("groups:create"),
        {
            "name": "Leith Larder",
            "description": "Our stair",
            "currency": "GBP",
            "visibility": "public",
            "join_policy": "open",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "is taken" in body
    assert "Our stair" in body


def test_find_lists_public_groups_nearest_first() -> None:
    from decimal import Decimal

    make_group(name="Totnes", latitude=Decimal("50.43"), longitude=Decimal("-3.68"))
    make_group(name="Hebden", latitude=Decimal("53.74"), longitude=Decimal("-2.01"))
    make_group(name="Nowhere")
    person = make_user()
    person.home_latitude, person.home_longitude = Decimal("53.80"), Decimal("-1.55")  # Leeds
    person.save()
    near = {"near": "on", "within_km": "500"}
    body = client_for(person).get(reverse("groups:find"), near).content.decode()
    # Nearest first within the radius; a group with no location is no distance from anywhere.
    assert body.index("Hebden") < body.index("Totnes") and "Nowhere" not in body
    assert "31 km" in body  # Leeds to Hebden Bridge
    everyone = client_for(person).get(reverse("groups:find")).content.decode()
    assert everyone.index("Hebden") < everyone.index("Nowhere") < everyone.index("Totnes")
    empty = client_for(person).get(reverse("groups:find"), {"q": "zzz"}).content.decode()
    assert "No public group matches these filters" in empty


def test_an_invitation_code_typed_by_hand_leads_to_the_invitation() -> None:
    group = make_group()
    link = invitations.invitation_create(group=group, actor=coordinator_of(group))
    client = client_for(make_user())
    response = client.get(reverse("groups:invitation_code"), {"code": f" {link.code} "})
    assert response["Location"] == reverse("groups:invitation", args=[link.code])
    pasted = client.get(
        reverse("groups:invitation_code"), {"code": f"http://x.org/join/{link.code}/"}
    )
    assert pasted["Location"] == reverse("groups:invitation", args=[link.code])
    empty = client.get(reverse("groups:invitation_code"), {"code": ""}, follow=True)
    assert "Type or paste the invitation code" in empty.content.decode()
