"""Suggestions expire unanswered; starting is one click; members looking for another group."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.groups.suggestion_start import suggestion_start
from coopbuy.interest.models import Suggestion
from coopbuy.interest.services import interest_save
from coopbuy.interest.suggestions import (
    suggestion_accept,
    suggestion_decline,
    suggestions_expire,
    suggestions_refresh,
)
from coopbuy.interest.tests.test_suggestions import person
from coopbuy.testing.factories import add_member, make_group
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbours() -> list[User]:
    return [person("Ann", host=True), person("Bea"), person("Cal"), person("Dee"), person("Eve")]


def proposed() -> Suggestion:
    (suggestion,) = suggestions_refresh(time_limit=5).created
    return suggestion


def api(user: User) -> Client:
    token = token_create(user=user, name="t", scope="read-write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_suggestion_expires_after_the_setting_unless_answered(
    neighbours: list[User], settings: Any
) -> None:
    settings.COOPBUY_SUGGESTION_DAYS = 10
    before = timezone.now()
    suggestion = proposed()
    assert before + timedelta(days=10) <= suggestion.expires_at <= timezone.now() + timedelta(10)
    assert suggestions_expire(now=suggestion.expires_at - timedelta(seconds=1)) == 0

    suggestion_accept(suggestion_id=suggestion.pk, user=neighbours[1])  # an answer: 10 days more
    suggestion.refresh_from_db()
    assert suggestion.expires_at >= before + timedelta(days=10)
    assert suggestions_expire(now=suggestion.expires_at - timedelta(seconds=1)) == 0
    assert suggestions_expire(now=suggestion.expires_at) == 1
    suggestion.refresh_from_db()
    assert suggestion.status == "expired"
    assert suggestions_expire(now=suggestion.expires_at + timedelta(days=1)) == 0


def test_accepting_or_starting_an_expired_suggestion_is_refused_and_changes_nothing(
    neighbours: list[User],
) -> None:
    suggestion = proposed()
    for user in neighbours[1:]:
        suggestion_accept(suggestion_id=suggestion.pk, user=user)
    # Past its time but not yet swept: already expired for every purpose.
    Suggestion.objects.filter(pk=suggestion.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(UserFacingError, match="has expired: nobody answered it for 14 days"):
        suggestion_accept(suggestion_id=suggestion.pk, user=neighbours[0])
    with pytest.raises(UserFacingError, match="has expired"):
        suggestion_decline(suggestion_id=suggestion.pk, user=neighbours[1])
    with pytest.raises(UserFacingError, match="has expired"):
        suggestion_start(suggestion_id=suggestion.pk, user=neighbours[0])
    assert suggestion.members.get(user=neighbours[0]).state == "proposed"
    assert not BuyingGroup.objects.exists()
    suggestions_expire()
    with pytest.raises(UserFacingError, match="has expired"):
        suggestion_accept(suggestion_id=suggestion.pk, user=neighbours[0])


def test_the_page_shows_it_expired_and_refuses_the_answer(neighbours: list[User]) -> None:
    suggestion = proposed()
    client = Client()
    client.force_login(neighbours[1])
    page = client.get(reverse("interest:mine")).content.decode()
    assert "Unless someone answers, it expires on" in page
    assert reverse("interest:suggestion_answer", args=[suggestion.pk, "accept"]) in page

    Suggestion.objects.filter(pk=suggestion.pk).update(expires_at=timezone.now())
    page = client.get(reverse("interest:mine")).content.decode()
    assert "This suggestion expired on" in page
    assert reverse("interest:suggestion_answer", args=[suggestion.pk, "accept"]) not in page
    answer = client.post(
        reverse("interest:suggestion_answer", args=[suggestion.pk, "accept"]), follow=True
    )
    assert "This suggestion has expired" in answer.content.decode()
    assert suggestion.members.get(user=neighbours[1]).state == "proposed"


def test_the_api_shows_it_expired_and_refuses_the_answer(neighbours: list[User]) -> None:
    suggestion = proposed()
    client = api(neighbours[0])
    (listed,) = client.get("/api/v1/me/suggestions").json()
    assert listed["status"] == "open" and listed["expires_at"]
    Suggestion.objects.filter(pk=suggestion.pk).update(expires_at=timezone.now())
    (listed,) = client.get("/api/v1/me/suggestions").json()
    assert listed["status"] == "expired" and listed["can_start"] is False
    refused = client.post(f"/api/v1/me/suggestions/{suggestion.pk}/accept")
    assert refused.status_code == 422, refused.content
    assert "has expired" in refused.json()["detail"]
    started = client.post(f"/api/v1/me/suggestions/{suggestion.pk}/start")
    assert started.status_code == 422 and "has expired" in started.json()["detail"]


def test_the_refresh_expires_first_and_does_not_propose_the_same_group_again(
    neighbours: list[User],
) -> None:
    suggestion = proposed()
    Suggestion.objects.filter(pk=suggestion.pk).update(expires_at=timezone.now())

    again = suggestions_refresh(time_limit=5)

    assert again.expired == 1 and again.created == []
    assert list(Suggestion.objects.values_list("status", flat=True)) == ["expired"]

    # Someone new nearby changes the group: then it is proposed, with them.
    newcomer = person("Fay")
    (changed,) = suggestions_refresh(time_limit=5).created
    members = set(changed.members.values_list("user_id", flat=True))
    assert newcomer.pk in members and members >= {u.pk for u in neighbours[1:]}


def test_the_command_reports_what_expired(neighbours: list[User]) -> None:
    suggestion = proposed()
    Suggestion.objects.filter(pk=suggestion.pk).update(expires_at=timezone.now())
    out = StringIO()
    call_command("suggest_groups", "--time-limit", "5", stdout=out)
    assert out.getvalue().strip() == (
        "1 suggestion(s) expired; 0 new suggestion(s); 5 of 5 people placed."
    )


def test_the_host_accepts_and_starts_in_one_click_once_the_others_accepted(
    neighbours: list[User],
) -> None:
    suggestion = proposed()
    host, bea, *rest = neighbours
    client = Client()
    client.force_login(host)
    page = client.get(reverse("interest:mine")).content.decode()
    assert "Accept and start the group" not in page  # nobody else has accepted yet
    for user in (bea, *rest):
        suggestion_accept(suggestion_id=suggestion.pk, user=user)
    page = client.get(reverse("interest:mine")).content.decode()
    assert "Accept and start the group" in page
    bea_client = Client()
    bea_client.force_login(bea)
    assert "Start the group" not in bea_client.get(reverse("interest:mine")).content.decode()

    response = client.post(reverse("groups:suggestion_start", args=[suggestion.pk]))

    group = BuyingGroup.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/g/{group.slug}/")
    assert suggestion.members.get(user=host).state == "accepted"
    assert Membership.objects.get(group=group).user == host
    invited = set(Invitation.objects.filter(group=group).values_list("email", flat=True))
    assert invited == {u.email for u in (bea, *rest)}


def test_a_refused_start_does_not_leave_the_starter_accepted(neighbours: list[User]) -> None:
    suggestion = proposed()
    with pytest.raises(UserFacingError, match="1 of 5 needed have accepted"):
        suggestion_start(suggestion_id=suggestion.pk, user=neighbours[0])
    assert suggestion.members.get(user=neighbours[0]).state == "proposed"


def test_a_member_is_matched_only_when_looking_for_another_group(neighbours: list[User]) -> None:
    group = make_group(name="Already")
    member = person("Mem", host=False)
    add_member(group, member)
    left = person("Lef")  # was in a group and left: no group now, matched as anyone
    Membership.objects.filter(pk=add_member(group, left).pk).update(
        ended_at=timezone.now(), end_reason="left"
    )

    first = proposed()
    members = set(first.members.values_list("user_id", flat=True))
    assert left.pk in members and member.pk not in members

    saved = interest_save(user=member, postcode="HX7 8AD", suppliers=["Suma"], another_group=True)
    assert saved.another_group
    Suggestion.objects.all().delete()
    (second,) = suggestions_refresh(time_limit=5).created
    assert member.pk in set(second.members.values_list("user_id", flat=True))


def test_the_form_and_the_api_keep_the_another_group_flag(neighbours: list[User]) -> None:
    member = neighbours[1]
    add_member(make_group(name="Already"), member)
    client = Client()
    client.force_login(member)
    page = client.get(reverse("interest:mine")).content.decode()
    assert "I am already in a group and would like another one too" in page
    response = client.post(
        reverse("interest:mine"),
        {"postcode": "HX7 8AD", "suppliers": "Suma", "every": "monthly", "travel_km": "5",
         "another_group": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    member.interest.refresh_from_db()
    assert member.interest.another_group is True
    body = api(member).get("/api/v1/me/interest").json()
    assert body["another_group"] is True
    put = api(member).put(
        "/api/v1/me/interest",
        {"postcode": "HX7 8AD", "suppliers": ["Suma"]},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["another_group"] is False
