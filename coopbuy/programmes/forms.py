"""The programmes' forms: parse what people type; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.programmes.models import WEEKDAYS


class DomainClaimForm(forms.Form):
    domain = forms.CharField(
        label=_("Work-email domain"),
        max_length=253,
        help_text=_("The part after the @ of your staff's addresses, e.g. caldermills.example."),
    )
    proof_email = forms.EmailField(
        label=_("Send the confirmation to"),
        help_text=_("An address at that domain that you or a colleague read, e.g. hr@…"),
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=120)
    coordinator_email = forms.EmailField(
        label=_("Email of the group's coordinator"),
        help_text=_(
            "The person (with a coopbuy account) who runs the buying group: members, rounds, "
            "orders. Running the organisation does not make you its coordinator; give your own "
            "address to be one."
        ),
    )
    group_slug = forms.SlugField(
        label=_("Group's web address"), max_length=60, required=False,
        help_text=_("Made from the name if left empty."),
    )  # fmt: skip
    allows_friends_and_family = forms.BooleanField(
        label=_("Friends and family may join (with the code)"), required=False
    )


class SponsorForm(forms.Form):
    group_slug = forms.SlugField(label=_("Web address of the group to sponsor"), max_length=60)
    name = forms.CharField(label=_("Programme name"), max_length=120)
    allows_friends_and_family = forms.BooleanField(
        label=_("Friends and family may join (with the code)"), required=False
    )


class ProgrammeSettingsForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=120)
    allows_friends_and_family = forms.BooleanField(
        label=_("Friends and family may join (with the code)"), required=False
    )


class EndProgrammeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: the programme ends now, and this cannot be undone"), required=False
    )


class PickupPointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. Reception"))
    address = forms.CharField(label=_("Address"), max_length=300)
    delivery_days = forms.MultipleChoiceField(
        label=_("Delivery days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class WorkEmailForm(forms.Form):
    email = forms.EmailField(label=_("Your work email"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=32)
    friends_and_family = forms.BooleanField(
        label=_("I am a friend or family member of someone who works here"), required=False
    )
