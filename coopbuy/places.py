"""Places on the map: coordinates come as a pair, given whole or not at all.

People and groups both have an optional location (to find groups nearby); the fields, the rule and
its message live here once.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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
