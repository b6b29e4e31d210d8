"""Forms for rounds; they parse and validate, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.catalog.models import Supplier
from coopbuy.errors import MONEY_MESSAGES, WHOLE_NUMBER_MESSAGES
from coopbuy.groups.models import BuyingGroup
from coopbuy.rounds.models import Round

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    suppliers = forms.ModelMultipleChoiceField(
        label=_("Suppliers"), queryset=Supplier.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    opens_at = forms.DateTimeField(
        label=_("Opens"), widget=LOCAL_TIME, help_text=_("In the group's time zone.")
    )
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=LOCAL_TIME, help_text=_("Orders are refused after this time.")
    )
    policy = forms.ChoiceField(
        label=_("When a case cannot be filled for everyone"),
        choices=Round.Policy.choices,
        widget=forms.RadioSelect,
    )
    markup_percent = forms.DecimalField(
        error_messages={**MONEY_MESSAGES, "invalid": _("Give a percentage, such as 5 or 7.5.")},
        label=_("Markup (%)"),
        min_value=0,
        max_value=99,
        decimal_places=2,
        initial=0,
    )
    delivery_share = forms.ChoiceField(
        label=_("Share delivery costs"),
        choices=Round.DeliveryShare.choices,
        widget=forms.RadioSelect,
        help_text=_("Per collection point is not offered yet."),
    )
    wanted_by = forms.DateField(
        label=_("Delivery wanted by (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Printed on the purchase order; not before the round closes."),
    )

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].queryset = Supplier.objects.filter(  # type: ignore[attr-defined]
            group=group, is_active=True
        )


class ReceiveForm(forms.Form):
    """As the API takes it: whole units up to 2^31 - 1, a price of at most 99999.99."""

    product = forms.IntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    units_received = forms.IntegerField(
        error_messages=WHOLE_NUMBER_MESSAGES,
        label=_("Units that arrived"),
        min_value=0,
        max_value=2**31 - 1,
    )
    invoice_unit_price = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Price per unit on the invoice"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        required=False,
    )
    substitute_name = forms.CharField(label=_("Substituted by"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class BasketForm(forms.Form):
    quantity = forms.IntegerField(error_messages=WHOLE_NUMBER_MESSAGES, min_value=0, max_value=9999)
    tolerance = forms.IntegerField(
        error_messages=WHOLE_NUMBER_MESSAGES, min_value=0, max_value=9999, required=False
    )


class BudgetForm(forms.Form):
    amount = forms.DecimalField(
        error_messages=MONEY_MESSAGES, min_value=0, max_digits=11, decimal_places=2, required=False
    )


class CollectionForm(forms.Form):
    collected = forms.BooleanField(required=False)
    note = forms.CharField(max_length=300, required=False)


class DeadlineForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=LOCAL_TIME)


class WantedByForm(forms.Form):
    wanted_by = forms.DateField(
        label=_("Delivery wanted by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RepeatForm(forms.Form):
    interval_weeks = forms.IntegerField(
        error_messages=WHOLE_NUMBER_MESSAGES,
        label=_("Repeat every (weeks)"),
        min_value=1,
        max_value=12,
    )


class CloseConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read what closing does"),
        error_messages={"required": _("Tick the box to say you have read what closing does.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the round cancelled?"),
        max_length=200,
        help_text=_("Kept in the group's activity log, so that others know why."),
        error_messages={"required": _("Say why the round is cancelled.")},
    )
    confirm = forms.BooleanField(
        label=_("Cancel the round: nothing will be ordered and every basket is dropped"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Say why the round is cancelled."))
        return reason


class AnnouncementPreferenceForm(forms.Form):
    round_open = forms.BooleanField(label=_("Email me when a round opens"), required=False)
    round_closing = forms.BooleanField(
        label=_("Email me 24 hours before a round closes"), required=False
    )
