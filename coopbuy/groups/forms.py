"""Forms for groups; they parse and validate, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy import places
from coopbuy.groups.models import BuyingGroup, Membership


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are, what you buy, where and when you collect."),
    )
    place = forms.CharField(label=_("Town or area"), max_length=120, required=False)
    latitude = places.latitude_field()
    longitude = places.longitude_field()
    visibility = forms.ChoiceField(
        label=_("Who can see the group"),
        choices=BuyingGroup.Visibility.choices,
        widget=forms.RadioSelect,
    )
    join_policy = forms.ChoiceField(
        label=_("How people join"), choices=BuyingGroup.JoinPolicy.choices, widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        places.check_pair(self)
        return data


class GroupCreateForm(GroupForm):
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=60,
        required=False,
        help_text=_("Letters, digits and hyphens; made from the name if left empty."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=BuyingGroup.Currency.choices)
    field_order = [
        "name",
        "slug",
        "description",
        "place",
        "latitude",
        "longitude",
        "currency",
        "visibility",
        "join_policy",
    ]


class InvitationForm(forms.Form):
    KIND_EMAIL = "email"
    KIND_LINK = "link"
    kind = forms.ChoiceField(
        label=_("Invite"),
        choices=[(KIND_EMAIL, _("One person, by email")), (KIND_LINK, _("Anyone with a link"))],
        widget=forms.RadioSelect,
        initial=KIND_LINK,
    )
    email = forms.EmailField(label=_("Email address"), required=False)
    role = forms.ChoiceField(
        label=_("Role on joining"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    days_valid = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=90, initial=14
    )
    max_uses = forms.IntegerField(
        label=_("How many people may use the link"),
        min_value=1,
        max_value=10000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("kind") == self.KIND_EMAIL
            and not data.get("email")
            and "email" not in self.errors
        ):
            self.add_error("email", _("Give the email address of the person to invite."))
        if data.get("kind") == self.KIND_LINK:
            data["email"] = ""
        return data


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, where you live and what you would like to buy."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DeliveryForm(forms.Form):
    """The group's delivery address and contact (optional), printed on purchase orders."""

    delivery_address = forms.CharField(
        label=_("Delivery address"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Where suppliers deliver, one line per line of the address."),
    )
    delivery_postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    delivery_contact_name = forms.CharField(
        label=_("Contact for deliveries"), required=False, max_length=120
    )
    delivery_contact_phone = forms.CharField(
        label=_("Contact's phone"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
