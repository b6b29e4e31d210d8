"""Writes to a person's own account."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError


class ProfileError(UserFacingError):
    """A profile change that cannot be saved; the message says why and names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    home_place: str,
    home_latitude: Decimal | None,
    home_longitude: Decimal | None,
    language: str,
) -> User:
    """Change what a person tells others about themselves and where they live (for 'nearby').

    The home place (a postcode or a town) is geocoded offline when it changes or when no
    coordinates come with it; coordinates given on their own (changed, with the place unchanged)
    are kept as given. An empty place with unchanged coordinates clears both.
    """
    missing = places.missing_half(home_latitude, home_longitude, prefix="home_")
    if missing:
        raise ProfileError(missing, places.both_or_neither())
    user = User.objects.select_for_update().get(pk=user.pk)
    home_place = home_place.strip()
    place_changed = home_place != user.home_place
    before = (user.home_latitude, user.home_longitude)
    coordinates_changed = (home_latitude, home_longitude) != before
    if home_place and (home_latitude is None or (place_changed and not coordinates_changed)):
        found = places.geocode(home_place, field="home_place")
        home_latitude, home_longitude = places.coordinates(found)
    elif not home_place and place_changed and not coordinates_changed:
        home_latitude = home_longitude = None
    user.display_name = display_name.strip()
    user.home_place = home_place
    user.home_latitude = home_latitude
    user.home_longitude = home_longitude
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(
        update_fields=[
            "display_name",
            "home_place",
            "home_latitude",
            "home_longitude",
            "language",
        ]
    )
    return user
