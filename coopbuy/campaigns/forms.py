"""Forms of campaigns: start one (with up to four price tiers), pledge, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.services import TierInput
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def price_field(
    label: StrOrPromise, *, required: bool, help_text: StrOrPromise = ""
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        max_digits=7,
        decimal_places=2,
        min_value=Decimal("0.00"),
    )


TIERS = 4


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("What it is"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    unit = forms.CharField(label=_("Unit"), max_length=40, initial="bag",
                           help_text=_("What one unit is, e.g. “25 kg sack”."))  # fmt: skip
    measure = forms.ChoiceField(
        label=_("The price drops with the number of"),
        choices=Campaign.Measure.choices,
        widget=forms.RadioSelect,
        initial=Campaign.Measure.PARTICIPANTS,
    )
    deadline = forms.DateTimeField(label=_("Deadline"), widget=LOCAL_TIME)
    cap = forms.IntegerField(label=_("Most units in all"), min_value=1, max_value=1_000_000,
                             required=False)  # fmt: skip
    max_per_person = forms.IntegerField(label=_("Most units per person"), min_value=1,
                                        max_value=10_000, initial=10)  # fmt: skip

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Supplier.objects.filter(group=group, is_active=True).order_by("name")
        for i in range(TIERS):
            required = i == 0
            self.fields[f"tier{i}_from"] = forms.IntegerField(
                label=_("Tier %(n)s: from") % {"n": i + 1} if i else _("Goes ahead from"),
                min_value=1, max_value=1_000_000, required=required,
            )  # fmt: skip
            self.fields[f"tier{i}_price"] = price_field(_("price per unit"), required=required)

    def tiers(self) -> list[TierInput]:
        data = self.cleaned_data
        return [
            TierInput(data[f"tier{i}_from"], data[f"tier{i}_price"])
            for i in range(TIERS)
            if data.get(f"tier{i}_from") is not None and data.get(f"tier{i}_price") is not None
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, TIERS):
            if (data.get(f"tier{i}_from") is None) != (data.get(f"tier{i}_price") is None):
                self.add_error(
                    f"tier{i}_price", _("Give both the number and the price, or neither.")
                )
        return data


class PledgeForm(forms.Form):
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=10_000, initial=1)
    max_price = price_field(
        _("Only if the price reaches"),
        required=False,
        help_text=_("Leave empty to pledge at any of the campaign's prices."),
    )
    ref = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (every pledger is told)"), max_length=300, widget=forms.TextInput
    )
    confirm = forms.BooleanField(label=_("Yes: cancel it and release every pledge"))
