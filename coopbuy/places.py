"""Places on the map: coordinates come as a pair, given whole or not at all, or from what a person
typed (a postcode, a town) through the offline gazetteer in `coopbuy.core.geo`.

People and groups both have an optional location (to find groups nearby); the fields, the rule,
the geocoding and its messages live here once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopbuy.core.geo import gazetteer
from coopbuy.core.geo.gazetteer import Location
from coopbuy.errors import UserFacingError


def missing_half(
    latitude: Decimal | None, longitude: Decimal | None, *, prefix: str = ""
) -> str | None:
    """The name of the missing coordinate when only one is given; None when the pair is whole."""
    if (latitude is None) == (longitude is None):
        return None
    return f"{prefix}longitude" if longitude is None else f"{prefix}latitude"


def both_or_neither() -> str:
    return _("Give both latitude and longitude, or neither.")


def latitude_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext_lazy("Latitude"), max_digits=9, decimal_places=6, min_value=-90,
        max_value=90, required=False,
    )  # fmt: skip


def longitude_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=gettext_lazy("Longitude"), max_digits=9, decimal_places=6, min_value=-180,
        max_value=180, required=False,
    )  # fmt: skip


def check_pair(form: forms.Form, *, prefix: str = "") -> None:
    """Form-level check: one coordinate without the other is an error on the missing one."""
    names = (f"{prefix}latitude", f"{prefix}longitude")
    if any(name in form.errors for name in names):
        return
    missing = missing_half(form.cleaned_data.get(names[0]), form.cleaned_data.get(names[1]),
                           prefix=prefix)  # fmt: skip
    if missing:
        form.add_error(missing, both_or_neither())


# Geocoding: text a person typed -> a point, or a message naming the field -------------------------


def geocode(text: str, *, field: str, only: Literal["postcode", "place"] | None = None) -> Location:
    """Where a postcode, sector, district, town or "lat, lon" is; UserFacingError on `field` if not.

    `only` takes the text as a postcode (or a place name) whatever it looks like.
    """
    try:
        if only == "postcode":
            text = text.strip()
            if not text:
                raise gazetteer.GeocodeError("empty", "")
            return gazetteer.geocode_postcode(text)
        if only == "place":
            if not text.strip():
                raise gazetteer.GeocodeError("empty", "")
            return gazetteer.geocode_place(text[: gazetteer.MAX_QUERY])
        return gazetteer.geocode(text)
    except gazetteer.GeocodeError as error:
        raise UserFacingError(geocode_message(error), field=field) from error


def point(latitude: float, longitude: float, *, field: str = "lat") -> Location:
    try:
        return gazetteer.coordinates_location(latitude, longitude)
    except gazetteer.GeocodeError as error:
        raise UserFacingError(geocode_message(error), field=field) from error


def geocode_message(error: gazetteer.GeocodeError) -> str:
    value = error.value
    if error.code == "empty":
        return _("Type a postcode or a town name.")
    if error.code == "too_long":
        return _("Keep it under %(n)d characters: a postcode or a town name.") % {
            "n": gazetteer.MAX_QUERY
        }
    if error.code == "unknown_district":
        return _("No postcode district %(code)s: check it, or try a town name.") % {"code": value}
    if error.code == "unknown_sector":
        return _(
            "No postcode sector %(code)s: check the postcode, or try its district %(district)s "
            "or a town name."
        ) % {"code": value, "district": value.split(" ")[0]}
    if error.code == "malformed_postcode":
        return _(
            "%(value)s is not a postcode: a postcode looks like HX7 8AD (or just HX7 8 or HX7)."
        ) % {"value": value}
    if error.code == "coordinates_out_of_range":
        return _(
            "Latitude goes from -90 to 90 and longitude from -180 to 180 (you gave %(value)s)."
        ) % {"value": value}
    if error.suggestions:
        return _("No town or village called “%(name)s”. Did you mean %(names)s?") % {
            "name": value,
            "names": ", ".join(error.suggestions),
        }
    return _("No town or village called “%(name)s”: check the spelling, or try a postcode.") % {
        "name": value
    }


def coordinates(location: Location) -> tuple[Decimal, Decimal]:
    """A point as the Decimal pair our models store (6 places, about 10 cm)."""
    q = Decimal("0.000001")
    return (
        Decimal(str(location.latitude)).quantize(q),
        Decimal(str(location.longitude)).quantize(q),
    )


ATTRIBUTION = gazetteer.ATTRIBUTION


def decimal(value: float) -> Decimal:
    """A coordinate as a Decimal with the 6 places the models store (for range filters)."""
    return Decimal(f"{value:.6f}")
