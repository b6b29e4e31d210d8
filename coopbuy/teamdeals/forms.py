"""The form of a deal offer: the product, its solo price, up to three team sizes and prices."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopbuy.teamdeals.models import Deal
from coopbuy.teamdeals.services import DealInput, TeamTier

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIERS = 3


def _price(label: Any, *, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, max_digits=7, decimal_places=2, min_value=Decimal("0.01")
    )


class DealForm(forms.Form):
    title = forms.CharField(label=_("Product"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    unit = forms.CharField(label=_("Unit"), max_length=40, initial="box")
    solo_price = _price(_("Solo price (one buyer alone)"), required=True)
    window_hours = forms.IntegerField(
        label=_("Hours a team has to fill"), min_value=1, max_value=336, initial=48,
        help_text=_("From 1 hour to 336 (two weeks)."),
    )  # fmt: skip
    stock = forms.IntegerField(
        label=_("Most sold over all teams"), min_value=1, max_value=1_000_000, required=False,
        help_text=_("Leave empty for no limit."),
    )  # fmt: skip
    active_from = forms.DateTimeField(label=_("Offered from"), widget=LOCAL_TIME, required=False)
    active_until = forms.DateTimeField(label=_("Offered until"), widget=LOCAL_TIME, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(TIERS):
            required = i == 0
            self.fields[f"tier{i}_size"] = forms.IntegerField(
                label=_("Team size %(n)s: buyers") % {"n": i + 1},
                min_value=2, max_value=100, required=required,
            )  # fmt: skip
            self.fields[f"tier{i}_price"] = _price(_("price each"), required=required)

    @classmethod
    def initial_of(cls, deal: Deal) -> dict[str, object]:
        initial: dict[str, object] = {
            "title": deal.title, "description": deal.description, "unit": deal.unit,
            "solo_price": deal.solo_price, "window_hours": deal.window_hours, "stock": deal.stock,
            "active_from": deal.active_from, "active_until": deal.active_until,
        }  # fmt: skip
        for i, tier in enumerate(deal.tiers.all()[:TIERS]):
            initial[f"tier{i}_size"], initial[f"tier{i}_price"] = tier.size, tier.unit_price
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, TIERS):
            if (data.get(f"tier{i}_size") is None) != (data.get(f"tier{i}_price") is None):
                self.add_error(f"tier{i}_price", _("Give both the size and the price, or neither."))
        return data

    def deal_input(self) -> DealInput:
        data = self.cleaned_data
        return DealInput(
            title=data["title"],
            description=data["description"],
            unit=data["unit"],
            solo_price=data["solo_price"],
            tiers=[
                TeamTier(data[f"tier{i}_size"], data[f"tier{i}_price"])
                for i in range(TIERS)
                if data.get(f"tier{i}_size") is not None and data.get(f"tier{i}_price") is not None
            ],
            window_hours=data["window_hours"],
            stock=data["stock"],
            active_from=data["active_from"],
            active_until=data["active_until"],
        )

    def show(self, field: str | None, message: str) -> None:
        """A service's refusal, on the field it names (the tiers' on the first size)."""
        if field == "tiers":
            field = "tier0_size"
        self.add_error(field if field in self.fields else None, message)


class PaymentForm(forms.Form):
    """A buyer's payment an admin records (thin: `money.buyer_payment_record` checks the values)."""

    buyer = forms.TypedChoiceField(label=_("Buyer"), coerce=int)
    amount = forms.DecimalField(label=_("Amount (£)"), max_digits=12, decimal_places=2)
    method = forms.ChoiceField(
        label=_("Paid by"), choices=[("bank", _("Bank transfer")), ("cash", _("Cash"))]
    )
    reference = forms.CharField(
        label=_("Reference (e.g. their bank transfer's)"), max_length=120, required=False
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, buyers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = [("", _("Choose a buyer")), *buyers]  # type: ignore[attr-defined]
        self.fields["key"].initial = uuid.uuid4().hex

    def show(self, field: str | None, message: str) -> None:
        self.add_error(field if field in self.fields else None, message)


class UndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (e.g. the transfer bounced)"), max_length=200, required=False
    )
