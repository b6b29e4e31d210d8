"""Tender forms: the tender, an item, pooled demand, an invitation, a bid, decisions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopbuy.errors import MONEY_MESSAGES, WHOLE_NUMBER_MESSAGES
from coopbuy.tenders.bidding import BidInput, LineInput
from coopbuy.tenders.models import Tender, TenderItem
from coopbuy.tenders.services import TenderFields


class TenderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=160)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    delivery_points = forms.CharField(
        label=gettext_lazy("Delivery points (one a line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    delivery_from = forms.DateField(
        label=gettext_lazy("First delivery"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    delivery_until = forms.DateField(
        label=gettext_lazy("Last delivery"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    split = forms.ChoiceField(
        label=gettext_lazy("How the award may be split"), choices=Tender.Split.choices
    )
    deadline = forms.DateTimeField(
        label=gettext_lazy("Deadline for bids"),
        widget=forms.DateTimeInput({"type": "datetime-local"}),
    )
    criteria = forms.CharField(
        label=gettext_lazy("Published criteria and weights"),
        help_text=gettext_lazy("One a line, such as “organic = 0.10”. Leave empty for price only."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    max_weight_sum = forms.DecimalField(
        label=gettext_lazy("Published maximum of the weights' sum"),
        initial="0.5",
        min_value=0,
        max_value=Decimal("0.5"),
        decimal_places=4,
    )

    def clean_criteria(self) -> dict[str, str]:
        criteria: dict[str, str] = {}
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, sep, weight = line.partition("=")
            if not sep:
                raise forms.ValidationError(_("Write each criterion as “name = weight”."))
            criteria[name.strip()] = weight.strip()
        return criteria

    def fields_value(self) -> TenderFields:
        data = self.cleaned_data
        return TenderFields(
            title=data["title"], deadline=data["deadline"], description=data["description"],
            delivery_points=data["delivery_points"], delivery_from=data["delivery_from"],
            delivery_until=data["delivery_until"], split=data["split"], criteria=data["criteria"],
            max_weight_sum=data["max_weight_sum"],
        )  # fmt: skip

    @classmethod
    def initial_of(cls, tender: Tender) -> dict[str, Any]:
        return {
            "title": tender.title, "description": tender.description,
            "delivery_points": tender.delivery_points, "delivery_from": tender.delivery_from,
            "delivery_until": tender.delivery_until, "split": tender.split,
            "deadline": tender.deadline, "max_weight_sum": tender.max_weight_sum,
            "criteria": "\n".join(f"{k} = {v}" for k, v in tender.criteria.items()),
        }  # fmt: skip


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Item code (SKU)"), max_length=64)
    name = forms.CharField(label=gettext_lazy("Item or specification"), max_length=200)
    quantity = forms.IntegerField(
        label=gettext_lazy("Expected quantity (units)"),
        min_value=0,
        error_messages=WHOLE_NUMBER_MESSAGES,
    )
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=80, required=False)
    case_size = forms.IntegerField(label=gettext_lazy("Units per case"), min_value=1, initial=1)
    lot = forms.SlugField(label=gettext_lazy("Lot"), max_length=64, required=False)


class DemandForm(forms.Form):
    supplier_name = forms.CharField(
        label=gettext_lazy("Products of the supplier named"), max_length=120, required=False
    )
    category = forms.CharField(label=gettext_lazy("Category"), max_length=80, required=False)
    rounds = forms.IntegerField(
        label=gettext_lazy("Look back how many rounds"), min_value=1, max_value=24, initial=3
    )


class InviteForm(forms.Form):
    supplier = forms.TypedChoiceField(label=gettext_lazy("Supplier"), coerce=int)


class ConfirmForm(forms.Form):
    group = forms.TypedChoiceField(
        label=gettext_lazy("Group that keeps the catalogue"), coerce=int, required=False
    )


class NotConfirmForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the award is not confirmed"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _tiers(text: str) -> list[tuple[int, str]]:
    tiers: list[tuple[int, str]] = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        quantity, sep, price = part.partition(":")
        if not sep or not quantity.strip().isdigit():
            raise forms.ValidationError(_("Write volume prices as “100: 2.70, 200: 2.50”."))
        tiers.append((int(quantity), price.strip()))
    return tiers


class BidForm(forms.Form):
    """A price, capacity and volume prices per item; the terms; an answer per criterion."""

    delivery_fee = forms.DecimalField(
        label=gettext_lazy("Delivery fee"),
        min_value=0,
        decimal_places=2,
        initial="0",
        error_messages=MONEY_MESSAGES,
    )
    min_order_value = forms.DecimalField(
        label=gettext_lazy("Minimum order value"),
        min_value=0,
        decimal_places=2,
        initial="0",
        error_messages=MONEY_MESSAGES,
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"), required=False, widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, *args: Any, tender: Tender, items: list[TenderItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            unit = item.unit or _("unit")
            self.fields[f"price_{item.code}"] = forms.DecimalField(
                label=_("%(item)s: price per %(unit)s") % {"item": item.name, "unit": unit},
                required=False, decimal_places=2, error_messages=MONEY_MESSAGES,
                help_text=_("Leave empty not to bid for this item."),
            )  # fmt: skip
            self.fields[f"capacity_{item.code}"] = forms.IntegerField(
                label=_("%(item)s: most units you can supply") % {"item": item.name},
                required=False, min_value=0, error_messages=WHOLE_NUMBER_MESSAGES,
            )  # fmt: skip
            self.fields[f"tiers_{item.code}"] = forms.CharField(
                label=_("%(item)s: volume prices") % {"item": item.name}, required=False,
                help_text=_("From how many units, at what price: “100: 2.70, 200: 2.50”."),
            )  # fmt: skip
        for name in tender.criteria:
            self.fields[f"criterion_{name}"] = forms.DecimalField(
                label=_("Your score for “%(name)s” (0 to 1)") % {"name": name},
                required=False, decimal_places=4,
            )  # fmt: skip
        self.criteria = list(tender.criteria)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            key = f"tiers_{item.code}"
            try:
                data[key] = _tiers(data.get(key) or "")
            except forms.ValidationError as error:
                self.add_error(key, error)
        return data

    def bid_input(self) -> BidInput:
        data = self.cleaned_data
        lines = [
            LineInput(
                item.code,
                data[f"price_{item.code}"],
                data.get(f"capacity_{item.code}"),
                data.get(f"tiers_{item.code}") or [],
            )
            for item in self.items
            if data.get(f"price_{item.code}") is not None
        ]
        criteria = {
            name: data[f"criterion_{name}"]
            for name in self.criteria
            if data.get(f"criterion_{name}") is not None
        }
        return BidInput(
            lines=lines,
            delivery_fee=data["delivery_fee"],
            min_order_value=data["min_order_value"],
            valid_until=data.get("valid_until"),
            criteria=criteria,
        )
