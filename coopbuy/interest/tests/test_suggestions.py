"""Suggested groups: the refresh, answers, starting the group, the emails, the page and the API."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.groups.suggestion_start import suggestion_start
from coopbuy.interest.models import SuggestedMember, Suggestion
from coopbuy.interest.services import interest_save
from coopbuy.interest.suggestions import (
    suggestion_accept,
    suggestion_decline,
    suggestions_refresh,
)
from coopbuy.interest.tasks import refresh_suggestions
from coopbuy.outbox.models import OutboxMessage
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def person(
    name: str,
    postcode: str = "HX7 8AD",
    *,
    suppliers: tuple[str, ...] = ("Suma",),
    spend: str = "60",
    host: bool = False,
) -> User:
    user = make_user(name)
    interest_save(
        user=user,
        postcode=postcode,
        categories=["Dry goods"],
        suppliers=list(suppliers),
        products="Organic oats and lentils",
        spend_per_round=Decimal(spend),
        travel_km=5,
        can_host_pickup=host,
    )
    return user


@pytest.fixture
def neighbours() -> list[User]:
    """Five people in one Hebden Bridge sector wanting Suma (£300 together), Ann hosting."""
    return [
        person("Ann", host=True),
        person("Bea"),
        person("Cal"),
        person("Dee"),
        person("Eve"),
    ]


def test_refresh_proposes_the_people_who_can_group_and_tells_each_once(
    neighbours: list[User],
) -> None:
    far = person("Far", "EH6 5", host=True)  # Edinburgh: nobody within reach
    other = person("Oth", suppliers=("Infinity Foods",), host=True)  # nobody else wants them
    in_a_group = person("Grp", host=True)
    add_member(make_group(name="Already"), in_a_group)

    result = suggestions_refresh(time_limit=5)

    assert len(result.created) == 1
    suggestion = result.created[0]
    members = set(suggestion.members.values_list("user_id", flat=True))
    assert members == {u.pk for u in neighbours}
    assert far.pk not in members and other.pk not in members and in_a_group.pk not in members
    assert suggestion.host == neighbours[0]
    assert (suggestion.supplier, suggestion.expected_order_value) == ("Suma", Decimal("300.00"))
    assert suggestion.min_order_value == Decimal("250.00") and suggestion.min_size == 5
    assert suggestion.place == "Hebden Bridge"
    assert set(suggestion.members.values_list("state", flat=True)) == {"proposed"}
    mail = OutboxMessage.objects.get(to=[neighbours[1].email])
    assert (
        "5 households around Hebden Bridge want organic dry goods: together you would reach "
        "Suma's minimum order of £250" in mail.body
    )
    assert "/interest/" in mail.body
    assert OutboxMessage.objects.filter(subject__contains="Suma around").count() == 5

    again = suggestions_refresh(time_limit=5)
    assert again.created == [] and Suggestion.objects.count() == 1
    assert OutboxMessage.objects.filter(subject__contains="Suma around").count() == 5


def test_answers_only_by_people_proposed_and_audited(neighbours: list[User]) -> None:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    stranger = person("Str", "EH6 5")
    with pytest.raises(Suggestion.DoesNotExist):
        suggestion_accept(suggestion_id=suggestion.pk, user=stranger)
    suggestion_accept(suggestion_id=suggestion.pk, user=neighbours[1])
    suggestion_decline(suggestion_id=suggestion.pk, user=neighbours[2])
    states = dict(suggestion.members.values_list("user_id", "state"))
    assert states[neighbours[1].pk] == "accepted" and states[neighbours[2].pk] == "declined"
    assert AuditEvent.objects.filter(action="suggestion.accepted", actor=neighbours[1]).exists()
    assert AuditEvent.objects.filter(action="suggestion.declined", actor=neighbours[2]).exists()


def test_start_is_refused_before_enough_accept_then_the_host_starts_and_invites(
    neighbours: list[User],
) -> None:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    host, bea, *rest = neighbours
    for user in (bea, *rest):
        suggestion_accept(suggestion_id=suggestion.pk, user=user)
    with pytest.raises(UserFacingError, match="4 of 5 needed have accepted"):
        suggestion_start(suggestion_id=suggestion.pk, user=bea)
    suggestion_accept(suggestion_id=suggestion.pk, user=host)
    with pytest.raises(UserFacingError, match="hosting the pickup"):
        suggestion_start(suggestion_id=suggestion.pk, user=bea)  # the host accepted: theirs
    assert not BuyingGroup.objects.filter(name__contains="Hebden").exists()

    group = suggestion_start(suggestion_id=suggestion.pk, user=host)

    assert group.name == "Hebden Bridge buying group"
    assert "Suma" in group.description
    assert Membership.objects.get(group=group).user == host
    invited = set(Invitation.objects.filter(group=group).values_list("email", flat=True))
    assert invited == {u.email for u in neighbours[1:]}
    # The people invited get their invitation, not also the waiting list's "formed near you".
    formed = OutboxMessage.objects.filter(subject__startswith="A buying group formed near you")
    told = {address for message in formed for address in message.to}
    assert told.isdisjoint(invited)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.group) == ("started", group)
    with pytest.raises(UserFacingError, match="already started"):
        suggestion_start(suggestion_id=suggestion.pk, user=host)
    with pytest.raises(UserFacingError, match="no longer be answered"):
        suggestion_decline(suggestion_id=suggestion.pk, user=bea)


def test_without_the_host_the_first_to_accept_starts(neighbours: list[User]) -> None:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    extra = SuggestedMember.objects.create(suggestion=suggestion, user=person("Fay", "EH6 5"))
    for user in [*neighbours[1:], extra.user]:
        suggestion_accept(suggestion_id=suggestion.pk, user=user)
    group = suggestion_start(suggestion_id=suggestion.pk, user=neighbours[1])
    assert Membership.objects.get(group=group).user == neighbours[1]


def test_the_page_shows_the_suggestion_and_its_forms_accept(neighbours: list[User]) -> None:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    client = Client()
    client.force_login(neighbours[1])
    page = client.get(reverse("interest:mine")).content.decode()
    assert "5 households around Hebden Bridge want organic dry goods" in page
    assert "csrfmiddlewaretoken" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", page)
    url = reverse("interest:suggestion_answer", args=[suggestion.pk, "accept"])
    assert client.post(url).status_code == 302
    assert suggestion.members.get(user=neighbours[1]).state == "accepted"
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.post(url).status_code == 404
    start = reverse("groups:suggestion_start", args=[suggestion.pk])
    assert client.post(start).status_code == 302
    assert Suggestion.objects.get().status == "open"  # refused: not enough accepted


def test_the_api_lists_mine_accepts_and_starts(neighbours: list[User]) -> None:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    clients = {
        u.pk: Client(
            HTTP_AUTHORIZATION=f"Bearer {token_create(user=u, name='t', scope='read-write')[1]}"
        )
        for u in neighbours
    }
    host = clients[neighbours[0].pk]
    (listed,) = host.get("/api/v1/me/suggestions").json()
    assert listed["id"] == suggestion.pk and listed["my_state"] == "proposed"
    assert listed["headline"].startswith("5 households around Hebden Bridge")
    early = host.post(f"/api/v1/me/suggestions/{suggestion.pk}/start")
    assert early.status_code == 422 and "needed have accepted" in early.content.decode()
    for user in neighbours:
        answer = clients[user.pk].post(f"/api/v1/me/suggestions/{suggestion.pk}/accept")
        assert answer.status_code == 200, answer.content
    assert answer.json()["accepted"] == 5
    started = host.post(f"/api/v1/me/suggestions/{suggestion.pk}/start")
    assert started.status_code == 201, started.content
    assert started.json()["status"] == "started" and started.json()["group_slug"]


def test_the_command_and_the_task_run_the_refresh(neighbours: list[User]) -> None:
    out = StringIO()
    call_command("suggest_groups", "--time-limit", "5", stdout=out)
    assert out.getvalue().strip() == (
        "0 suggestion(s) expired; 1 new suggestion(s); 5 of 5 people placed."
    )
    assert refresh_suggestions.call() == 0  # nobody left to match
    assert Suggestion.objects.count() == 1
