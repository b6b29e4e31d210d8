"""The directory's search form: where (typed, or the browser's location), how far, what."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopbuy import places
from coopbuy.accounts.models import User
from coopbuy.core.geo.gazetteer import Location
from coopbuy.errors import UserFacingError
from coopbuy.groups.directory import (
    DEFAULT_WITHIN_KM,
    MAX_WITHIN_KM,
    RADII,
    DirectorySearch,
    category_choices,
)

EVERY_CHOICES = [
    ("", gettext_lazy("Any")),
    ("weekly", gettext_lazy("Every week")),
    ("fortnightly", gettext_lazy("Every two weeks")),
    ("monthly", gettext_lazy("Every month or so")),
]


class DirectoryForm(forms.Form):
    where = forms.CharField(
        label=gettext_lazy("Postcode or town"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("A full postcode (HX7 8AD), its first half (HX7), or a town."),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    within_km = forms.IntegerField(
        label=gettext_lazy("Within"),
        min_value=1,
        max_value=MAX_WITHIN_KM,
        required=False,
        initial=DEFAULT_WITHIN_KM,
        widget=forms.Select(choices=[(r, f"{r} km") for r in RADII]),
        error_messages={
            "min_value": gettext_lazy("Choose a distance from 1 to 500 km."),
            "max_value": gettext_lazy("Choose a distance from 1 to 500 km."),
            "invalid": gettext_lazy("Choose a distance from 1 to 500 km."),
        },
    )
    q = forms.CharField(label=gettext_lazy("Words in the name"), required=False, max_length=100)
    category = forms.ChoiceField(label=gettext_lazy("Buys"), required=False)
    supplier = forms.CharField(
        label=gettext_lazy("From the supplier"), required=False, max_length=120
    )
    every = forms.ChoiceField(label=gettext_lazy("Orders"), choices=EVERY_CHOICES, required=False)
    taking_members = forms.BooleanField(
        label=gettext_lazy("Only groups taking new members"), required=False
    )
    near = forms.BooleanField(label=gettext_lazy("Nearest to my home first"), required=False)

    def __init__(self, *args: Any, user: User | AnonymousUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.origin: Location | None = None
        categories = category_choices()
        # A category from a shared link that no group buys any more still filters (to nothing).
        wanted = self.data.get("category", "") if self.is_bound else ""
        if wanted and wanted not in categories and len(wanted) <= 80:
            categories.append(wanted)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Anything")), *[(c, c) for c in categories]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        where, lat, lon = data.get("where", "").strip(), data.get("lat"), data.get("lon")
        try:
            if where:
                self.origin = places.geocode(where, field="where")
            elif lat is not None or lon is not None:
                if lat is None or lon is None:
                    raise UserFacingError(places.both_or_neither(), field="lat")
                self.origin = places.point(lat, lon)
            elif (
                data.get("near")
                and isinstance(self.user, User)
                and self.user.home_latitude is not None
                and self.user.home_longitude is not None
            ):
                self.origin = places.point(
                    float(self.user.home_latitude), float(self.user.home_longitude)
                )
        except UserFacingError as error:
            self.add_error("where", error.message)
        return data

    def search(self) -> DirectorySearch:
        data = self.cleaned_data
        return DirectorySearch(
            origin=self.origin,
            within_km=data.get("within_km") or DEFAULT_WITHIN_KM,
            q=data.get("q", "").strip(),
            category=data.get("category", ""),
            supplier=data.get("supplier", "").strip(),
            every=data.get("every", ""),
            taking_members=bool(data.get("taking_members")),
        )
