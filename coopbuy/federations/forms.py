"""Forms of the federation pages: start one, apply, answer, roles, share a supplier, markup."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coopbuy.catalog.models import Supplier
from coopbuy.federations.models import Federation, FederationRole


class FederationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=60,
        required=False,
        help_text=_("Made from the name if left empty."),
    )
    description = forms.CharField(
        label=_("Public description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class ApplyForm(forms.Form):
    federation = forms.ModelChoiceField(label=_("Federation"), queryset=Federation.objects.none())
    message = forms.CharField(
        label=_("Message to its coordinators"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Who you are, where you collect, what you would order together."),
    )

    def __init__(self, *args: Any, federations: QuerySet[Federation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["federation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = federations


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the group's coordinators will read it)"),
        max_length=500,
        widget=forms.TextInput,
    )


class RoleForm(forms.Form):
    email = forms.EmailField(label=_("Email address of a person with a coopbuy account"))
    role = forms.ChoiceField(label=_("Role"), choices=FederationRole.Role.choices)


class ShareForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Supplier of a group you coordinate"), queryset=Supplier.objects.none()
    )

    def __init__(self, *args: Any, suppliers: QuerySet[Supplier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = suppliers
        field.label_from_instance = lambda obj: f"{obj.name} ({obj.group.name})"  # type: ignore[method-assign]


class MarkupForm(forms.Form):
    percent = forms.DecimalField(
        label=_("Markup on pooled orders (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Added to the pooled price for your members: 0 to 100, e.g. 2.5."),
    )

    def rate(self) -> Decimal:
        value = self.cleaned_data["percent"]
        assert isinstance(value, Decimal)
        return value / 100
