"""Forms for pooled rounds; they parse and validate, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.catalog.models import Supplier
from coopbuy.errors import MONEY_MESSAGES, WHOLE_NUMBER_MESSAGES
from coopbuy.federations.forms import FederationMoneyForm
from coopbuy.federations.models import Federation
from coopbuy.ledger.forms import METHODS, AmountMixin
from coopbuy.pooled.models import FederationPayable, PooledRound
from coopbuy.pooled.receiving import ExpectedLine, ReceivedLine

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PooledRoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    supplier = forms.ModelChoiceField(
        label=_("Shared supplier"), queryset=Supplier.objects.none(), empty_label=None
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=LOCAL_TIME)
    closes_at = forms.DateTimeField(
        label=_("Closes"), widget=LOCAL_TIME, help_text=_("Every group's orders close then.")
    )
    policy = forms.ChoiceField(
        label=_("When a case cannot be filled for everyone"),
        choices=PooledRound.Policy.choices,
        widget=forms.RadioSelect,
    )
    drop_fee = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Drop fee per group"),
        help_text=_(
            "What delivering one group's drop costs the federation; shared by its members."
        ),
        min_value=0,
        max_value=9999,
        decimal_places=2,
        initial=0,
    )

    def __init__(self, *args: Any, suppliers: list[Supplier], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["supplier"]
        field.queryset = Supplier.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in suppliers]
        ).order_by("name", "pk")


class FederationSupplierPaymentForm(FederationMoneyForm, AmountMixin):
    """The federation paid a pooled round's supplier (its treasurer or coordinators)."""

    operation = "supplier_payment"
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    method = forms.ChoiceField(label=_("Paid from"), choices=METHODS, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    field_order = ["supplier", "amount", "method", "reference"]

    def __init__(self, *args: Any, federation: Federation, **kwargs: Any) -> None:
        super().__init__(*args, federation=federation, **kwargs)
        owed = FederationPayable.objects.filter(federation=federation).values("supplier")
        self.fields["supplier"].queryset = Supplier.objects.filter(pk__in=owed).order_by(  # type: ignore[attr-defined]
            "name", "pk"
        )


class PooledReceiveForm(forms.Form):
    """What reached the federation of each product of the pooled order: the units, the price per
    unit on the invoice and any substitute (three fields each, grouped by `products`)."""

    session = forms.CharField(widget=forms.HiddenInput, max_length=64)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, expected: list[ExpectedLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        for line in expected:
            pk = line.product_id
            self.fields[f"units_{pk}"] = forms.IntegerField(
                label=_("Units that arrived"),
                min_value=0,
                max_value=2**31 - 1,
                initial=line.units,
                error_messages=WHOLE_NUMBER_MESSAGES,
                help_text=_("%(n)d units ordered; more than that are the federation's leftover "
                            "once every member's order is full.") % {"n": line.units},
            )  # fmt: skip
            self.fields[f"price_{pk}"] = forms.DecimalField(
                label=_("Price per unit on the invoice"),
                min_value=0,
                max_digits=7,
                decimal_places=2,
                required=False,
                initial=line.unit_price,
                error_messages=MONEY_MESSAGES,
                help_text=_("Members are charged at this price."),
            )
            self.fields[f"substitute_{pk}"] = forms.CharField(
                label=_("Substituted by"),
                max_length=200,
                required=False,
                help_text=(
                    _("Recorded so far: %(name)s") % {"name": line.substitute_name}
                    if line.substitute_name
                    else _("Leave empty when the product itself came.")
                ),
            )

    def products(self) -> list[tuple[ExpectedLine, list[forms.BoundField]]]:
        """Each product with its three fields, for a fieldset each."""
        return [
            (x, [self[f"{name}_{x.product_id}"] for name in ("units", "price", "substitute")])
            for x in self.expected
        ]

    def lines(self) -> list[ReceivedLine]:
        return [
            ReceivedLine(
                x.product_id,
                self.cleaned_data[f"units_{x.product_id}"],
                self.cleaned_data[f"price_{x.product_id}"],
                self.cleaned_data[f"substitute_{x.product_id}"],
            )
            for x in self.expected
        ]

    def field_of(self, error_field: str | None) -> str | None:
        """The form field a service error names (`lines[i].units_received` -> `units_<pk>`)."""
        if error_field and error_field.startswith("lines["):
            i = int(error_field[6 : error_field.index("]")])
            if i >= len(self.expected):
                return None
            name = {"invoice_unit_price": "price", "substitute_name": "substitute"}.get(
                error_field.rsplit(".", 1)[-1], "units"
            )
            return f"{name}_{self.expected[i].product_id}"
        return error_field if error_field in self.fields else None
