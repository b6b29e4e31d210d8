"""Registering interest without a group, the waiting list, and being told when a group is near."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.errors import UserFacingError
from coopbuy.groups import services as group_services
from coopbuy.interest.models import Interest, InterestNotice
from coopbuy.interest.selectors import waiting_near
from coopbuy.interest.services import interest_delete, interest_save
from coopbuy.outbox.models import OutboxMessage
from coopbuy.testing.factories import coordinator_of, make_group, make_user

pytestmark = pytest.mark.django_db


def register(postcode: str = "HX7 8AD", travel_km: int = 10, **extra: Any) -> Interest:
    person = make_user()
    return interest_save(
        user=person, postcode=postcode, categories=["Dry goods"], travel_km=travel_km, **extra
    )


def test_a_full_postcode_is_kept_as_its_sector_with_the_sectors_centre() -> None:
    interest = register(suppliers=["Suma", " Suma ", ""], spend_per_round=Decimal("40"))
    assert (interest.postcode, interest.area) == ("HX7 8", "HX7")
    assert (interest.latitude, interest.longitude) == (Decimal("53.7472"), Decimal("-2.0059"))
    assert interest.suppliers == ["Suma"]


def test_saving_again_changes_the_one_interest_and_delete_forgets_it() -> None:
    interest = register()
    again = interest_save(user=interest.user, postcode="LS1", products="Oats", travel_km=3)
    assert again.pk == interest.pk and Interest.objects.count() == 1
    assert (again.postcode, again.categories, again.products) == ("LS1", [], "Oats")
    assert interest_delete(user=interest.user) is True
    assert interest_delete(user=interest.user) is False
    assert not Interest.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"postcode": "HX99"}, "postcode", "No postcode district HX99: check it, or try a town"),
        ({"postcode": "Hebden Bridge"}, "postcode", "is not a postcode"),
        ({"categories": []}, "categories", "Say what you would like to buy"),
        ({"travel_km": 0}, "travel_km", "from 1 to 100 km"),
        ({"travel_km": 5000}, "travel_km", "from 1 to 100 km"),
        ({"spend_per_round": Decimal("-1")}, "spend_per_round", "from 0 to 100,000"),
        ({"every": "daily"}, "every", "weekly, fortnightly or monthly"),
        ({"categories": ["x" * 81]}, "categories", "under 80 characters"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    change: dict[str, object], field: str, words: str
) -> None:
    arguments: dict[str, object] = {"postcode": "HX7 8AD", "categories": ["Dry goods"], **change}
    with pytest.raises(UserFacingError) as raised:
        interest_save(user=make_user(), **arguments)  # type: ignore[arg-type]
    assert raised.value.field == field and words in raised.value.message
    assert not Interest.objects.exists()


def test_a_group_forming_nearby_tells_the_waiting_list_once_by_page_and_email() -> None:
    near = register("HX7 8AD", travel_km=10)
    far = register("LS1 4DY", travel_km=5)  # Leeds, 30 km away
    group = make_group(name="Hebden Bridge Wholefoods", place="Hebden Bridge")
    assert group.latitude is not None  # the place was geocoded
    notice = InterestNotice.objects.get()
    assert (notice.interest, notice.group, notice.reason) == (near, group, "formed")
    assert notice.distance_km < 1
    mail = OutboxMessage.objects.get(to=[near.user.email])
    assert mail.subject == "A buying group formed near you: Hebden Bridge Wholefoods"
    assert f"/g/{group.slug}/" in mail.body and "/interest/" in mail.body
    assert not OutboxMessage.objects.filter(to=[far.user.email]).exists()
    # A change that keeps it open tells nobody again.
    group_services.group_update(
        group=group, actor=coordinator_of(group), name="Renamed", description="",
        place=group.place, latitude=group.latitude, longitude=group.longitude,
        visibility="public", join_policy="open",
    )  # fmt: skip
    assert InterestNotice.objects.count() == 1


def test_a_group_opening_to_new_members_tells_those_near_it() -> None:
    near = register("HX7 8AD", travel_km=10)
    group = make_group(name="Closed circle", place="HX7 8AD", join_policy="invitation")
    assert not InterestNotice.objects.exists()
    hidden = make_group(name="Private club", place="HX7 8AD", visibility="private")
    assert not InterestNotice.objects.exists()
    group_services.group_update(
        group=group, actor=coordinator_of(group), name=group.name, description="",
        place=group.place, latitude=group.latitude, longitude=group.longitude,
        visibility="public", join_policy="approval",
    )  # fmt: skip
    notice = InterestNotice.objects.get()
    assert (notice.interest, notice.group, notice.reason) == (near, group, "opened")
    subject = OutboxMessage.objects.get(to=[near.user.email]).subject
    assert subject == "Closed circle, near you, takes new members"
    assert hidden.pk != group.pk


def test_the_creator_is_not_told_about_their_own_group() -> None:
    interest = register("HX7 8AD")
    make_group(coordinator=interest.user, name="My own group", place="HX7 8AD")
    assert not InterestNotice.objects.exists()


def test_the_waiting_list_counts_people_within_the_distance() -> None:
    register("HX7 8AD")
    register("HX7 6")
    register("LS1 4DY")
    assert waiting_near(latitude=53.74, longitude=-2.01, km=10) == 2
    assert waiting_near(latitude=53.74, longitude=-2.01, km=40) == 3


# The page ----------------------------------------------------------------------------------------


def test_the_page_registers_changes_and_deletes_my_interest() -> None:
    person = make_user()
    client = Client()
    assert client.get(reverse("interest:mine")).status_code == 302  # sign in first
    client.force_login(person)
    page = client.get(reverse("interest:mine"), {"postcode": "HX7 8AD"}).content.decode()
    assert "Register your interest" in page and 'value="HX7 8AD"' in page
    wrong = {"postcode": "HX99", "every": "monthly", "travel_km": "5", "categories": ["Dry goods"]}
    bad = client.post(reverse("interest:mine"), wrong)
    assert "No postcode district HX99: check it, or try a town name." in bad.content.decode()
    assert not Interest.objects.exists()
    form = {"postcode": "HX7 8AD", "categories": ["Dry goods"], "other_categories": "Oils",
            "suppliers": "Suma, Infinity", "every": "fortnightly", "travel_km": "8",
            "can_host_pickup": "on"}  # fmt: skip
    assert client.post(reverse("interest:mine"), form).status_code == 302
    interest = Interest.objects.get(user=person)
    assert interest.categories == ["Dry goods", "Oils"]
    assert interest.suppliers == ["Suma", "Infinity"]
    assert interest.can_host_pickup and interest.travel_km == 8
    make_group(name="Calder Co-op", place="Hebden Bridge")
    page = client.get(reverse("interest:mine")).content.decode()
    assert "within 8 km of HX7 8" in page and "Calder Co-op" in page
    client.post(reverse("interest:delete"))
    assert not Interest.objects.exists()


# The API -----------------------------------------------------------------------------------------


def test_the_api_gets_puts_and_deletes_my_interest() -> None:
    person = make_user()
    client = Client()
    assert client.get("/api/v1/me/interest").status_code == 401
    client.force_login(person)
    assert client.get("/api/v1/me/interest").status_code == 404
    body = {"postcode": "hx7 8ad", "categories": ["Dry goods"], "suppliers": ["Suma"],
            "spend_per_round": "35.00", "every": "weekly", "travel_km": 12}  # fmt: skip
    put = client.put("/api/v1/me/interest", body, content_type="application/json")
    assert put.status_code == 200, put.content
    data = put.json()
    assert (data["postcode"], data["area"], data["spend_per_round"]) == ("HX7 8", "HX7", "35.00")
    make_group(name="Calder Co-op", place="Hebden Bridge")
    got = client.get("/api/v1/me/interest").json()
    assert got["notices"][0]["group"]["name"] == "Calder Co-op"
    assert got["notices"][0]["reason"] == "formed"
    bad = client.put("/api/v1/me/interest", {**body, "postcode": "HX99"},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "postcode"
    assert "HX99" in bad.json()["errors"][0]["message"]
    too_far = client.put("/api/v1/me/interest", {**body, "travel_km": 0},
                         content_type="application/json")  # fmt: skip
    assert too_far.status_code == 422 and "travel_km" in str(too_far.json()["errors"])
    assert Interest.objects.get().travel_km == 12  # nothing changed
    assert client.delete("/api/v1/me/interest").status_code == 204
    assert client.delete("/api/v1/me/interest").status_code == 404
