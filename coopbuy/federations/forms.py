"""Forms of the federation pages: start one, apply, answer, roles, share a supplier, markup."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coopbuy.catalog.models import Supplier
from coopbuy.federations.models import Federation, FederationRole
from coopbuy.ledger import form_tokens
from coopbuy.ledger.forms import METHODS, AmountMixin, IdempotentForm


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


class FederationPaymentForm(IdempotentForm, AmountMixin):
    """A group pays a federation (its treasurer or coordinator): the token is the group's."""

    operation = "federation_payment"
    method = forms.ChoiceField(label=_("Paid from"), choices=METHODS, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    field_order = ["amount", "method", "reference"]


class FederationMoneyForm(forms.Form):
    """A money form of a federation's book: like `ledger.forms.IdempotentForm`, its hidden token
    names the person, the federation and the operation, and is cleaned into the ledger key."""

    operation = ""
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=400)

    def __init__(self, *args: Any, user_id: int, federation: Federation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id, self.currency = user_id, federation.book.currency
        self.scope = f"federation-{federation.pk}:{self.operation}"
        self.initial["idempotency_key"] = form_tokens.issue(
            user_id=user_id, group_id=0, operation=self.scope
        )

    def clean_idempotency_key(self) -> str:
        try:
            return form_tokens.redeem(
                self.cleaned_data["idempotency_key"],
                user_id=self.user_id,
                group_id=0,
                operation=self.scope,
            )
        except form_tokens.FormTokenError as error:
            raise forms.ValidationError(error.message) from None

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(None if field == "idempotency_key" else field, error)
