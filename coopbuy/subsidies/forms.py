"""Forms of the organisation admins' subsidy pages (thin: the services check the values)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy

from coopbuy.subsidies.models import SubsidyRule


class TopUpForm(forms.Form):
    amount = forms.DecimalField(label=gettext_lazy("Amount (£)"), max_digits=12, decimal_places=2)
    reference = forms.CharField(
        label=gettext_lazy("Reference (e.g. your bank transfer's)"), max_length=120, required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["key"].initial = uuid.uuid4().hex


class ReturnForm(TopUpForm):
    """Money taken back from the fund to the organisation's bank (`services.fund_return`)."""

    prefix = "back"  # its fields' names and ids differ from the top-up form's on the same page
    give_back = forms.CharField(widget=forms.HiddenInput, initial="1")


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What you pay"), choices=SubsidyRule.Kind.choices)
    percent = forms.DecimalField(
        label=gettext_lazy("Percentage of goods (for a percentage rule)"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    monthly_cap = forms.DecimalField(
        label=gettext_lazy("Cap per employee per month (£, optional)"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    when_dry = forms.ChoiceField(
        label=gettext_lazy("When the fund runs dry"), choices=SubsidyRule.WhenDry.choices
    )
    covers = forms.TypedChoiceField(
        label=gettext_lazy("Who it covers"),
        choices=SubsidyRule.Covers.choices,
        initial=SubsidyRule.Covers.EMPLOYEES,
        required=False,
        empty_value=SubsidyRule.Covers.EMPLOYEES,  # not sent: employees only
        help_text=gettext_lazy("Friends and family are those who joined with the code as such."),
    )


class MonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2026-03"}),
    )
