"""Forms for sign-up extras and the profile page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from coopbuy import places
from coopbuy.accounts.models import User


class SignupExtraForm(forms.Form):
    """What allauth's sign-up form asks for beyond email and password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=80,
        required=False,
        help_text=_("How other members of your groups will see you."),
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    home_place = forms.CharField(
        label=_("Home town or postcode"),
        max_length=120,
        required=False,
        help_text=_("Only used to suggest buying groups near you."),
    )
    home_latitude = places.latitude_field()
    home_longitude = places.longitude_field()
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        places.check_pair(self, prefix="home_")
        return data
