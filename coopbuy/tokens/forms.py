"""The form on the token settings page; it parses, `services.token_create` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.accounts.models import User
from coopbuy.api.models import ApiToken
from coopbuy.groups.models import BuyingGroup
from coopbuy.tokens.services import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, e.g. “order spreadsheet” or “my script”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    group = forms.ModelChoiceField(
        label=_("Only for one group"),
        queryset=BuyingGroup.objects.none(),
        required=False,
        empty_label=_("All my groups"),
        help_text=_("A token limited to one group cannot see or change any other."),
    )
    days_valid = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = BuyingGroup.objects.filter(
            memberships__user=user, memberships__ended_at__isnull=True
        ).order_by("name")
