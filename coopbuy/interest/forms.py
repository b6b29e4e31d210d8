"""The interest form: what I would buy, about how much and how often, where, how far."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.interest.models import MAX_TRAVEL_KM, Interest

# What buying groups in Britain mostly buy (wholesalers' own headings); more can be typed.
COMMON_CATEGORIES = [
    "Dry goods",
    "Fruit and vegetables",
    "Dairy and eggs",
    "Bread and bakery",
    "Household and cleaning",
    "Toiletries",
    "Drinks",
    "Frozen",
]


def split_names(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class InterestForm(forms.Form):
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=12,
        help_text=_("Only its area is kept (HX7 8AD is kept as the sector HX7 8)."),
    )
    categories = forms.MultipleChoiceField(
        label=_("What would you like to buy?"),
        choices=[(c, c) for c in COMMON_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_categories = forms.CharField(
        label=_("Anything else (separate with commas)"), max_length=300, required=False
    )
    suppliers = forms.CharField(
        label=_("Suppliers you would like to order from"),
        max_length=300,
        required=False,
        help_text=_("For example: Suma, Infinity Foods, a local farm."),
    )
    products = forms.CharField(
        label=_("Particular products"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    spend_per_round = forms.DecimalField(
        label=_("About how much per order, in £"),
        min_value=0,
        max_value=100000,
        decimal_places=2,
        required=False,
    )
    every = forms.ChoiceField(
        label=_("How often would you order?"),
        choices=Interest.Every.choices,
        widget=forms.RadioSelect,
        initial=Interest.Every.MONTHLY,
    )
    travel_km = forms.IntegerField(
        label=_("How far would you go to collect, in km?"),
        min_value=1,
        max_value=MAX_TRAVEL_KM,
        initial=5,
    )
    can_host_pickup = forms.BooleanField(
        label=_("I could host a pickup (a porch, a garage, a community room)"), required=False
    )
    another_group = forms.BooleanField(
        label=_("I am already in a group and would like another one too"),
        required=False,
        help_text=_(
            "For a second supplier or a nearer pickup: members are suggested new groups only "
            "with this ticked."
        ),
    )

    @classmethod
    def initial_for(cls, interest: Interest | None) -> dict[str, Any]:
        if interest is None:
            return {"every": Interest.Every.MONTHLY, "travel_km": 5}
        common = [c for c in interest.categories if c in COMMON_CATEGORIES]
        other = [c for c in interest.categories if c not in COMMON_CATEGORIES]
        return {
            "postcode": interest.postcode,
            "categories": common,
            "other_categories": ", ".join(other),
            "suppliers": ", ".join(interest.suppliers),
            "products": interest.products,
            "spend_per_round": interest.spend_per_round,
            "every": interest.every,
            "travel_km": interest.travel_km,
            "can_host_pickup": interest.can_host_pickup,
            "another_group": interest.another_group,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "postcode": data["postcode"],
            "categories": [*data["categories"], *split_names(data["other_categories"])],
            "suppliers": split_names(data["suppliers"]),
            "products": data["products"],
            "spend_per_round": data["spend_per_round"],
            "every": data["every"],
            "travel_km": data["travel_km"],
            "can_host_pickup": data["can_host_pickup"],
            "another_group": data["another_group"],
        }
