"""Forms for suppliers, products and imports; they parse and validate, services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class SupplierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Contact email"), required=False)
    order_email = forms.EmailField(
        label=_("Email for orders"),
        required=False,
        help_text=_("Where purchase orders are sent."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    min_order_value = forms.DecimalField(
        label=_("Minimum order value"), initial=0, help_text=_("Net, before VAT."), **MONEY
    )
    delivery_fee = forms.DecimalField(label=_("Delivery fee"), initial=0, **MONEY)
    free_delivery_over = forms.DecimalField(
        label=_("Free delivery from"),
        required=False,
        help_text=_("Order value from which delivery is free; empty if never."),
        **MONEY,
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"),
        min_value=0,
        max_value=365,
        initial=0,
        help_text=_("Days between sending the order and the delivery."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("Order number (SKU)"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.CharField(label=_("Category"), max_length=80, required=False)
    unit_description = forms.CharField(
        label=_("Unit"),
        max_length=80,
        required=False,
        help_text=_("What a member gets, e.g. “500 g bag”."),
    )
    case_size = forms.IntegerField(label=_("Units per case"), min_value=1, initial=1)
    unit_price = forms.DecimalField(label=_("Net price per unit"), **MONEY)
    vat_percent = forms.DecimalField(
        label=_("VAT (%)"),
        min_value=0,
        max_value=99.99,
        decimal_places=2,
        initial=0,
        help_text=_("0 for most food in the UK, 20 for cleaning products."),
    )
    deposit = forms.DecimalField(label=_("Deposit per unit"), initial=0, **MONEY)
    retail_unit_price = forms.DecimalField(
        label=_("Retail price per unit"),
        required=False,
        help_text=_("A shop's price, to show members what they save."),
        **MONEY,
    )
    origin = forms.CharField(label=_("Origin"), max_length=80, required=False)
    manufacturer = forms.CharField(label=_("Manufacturer"), max_length=120, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    weight_grams = forms.IntegerField(label=_("Weight per unit (g)"), min_value=1, required=False)
    min_cases = forms.IntegerField(label=_("Minimum cases"), min_value=0, initial=0)
    max_cases = forms.IntegerField(label=_("Maximum cases"), min_value=1, required=False)
    is_available = forms.BooleanField(label=_("Available"), required=False, initial=True)

    def __init__(self, *args: Any, sku_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sku_fixed:
            self.fields["sku"].disabled = True
            self.fields["sku"].help_text = _("The order number identifies the product in imports.")


class ProductImageForm(forms.Form):
    image = forms.FileField(
        label=_("Picture"),
        help_text=_(
            "A JPEG, PNG, WebP or GIF photo, at most 5 MB. It is shrunk to 480 pixels and "
            "saved without its metadata (camera, place)."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        error_messages={
            "required": _("Choose a picture to upload."),
            "empty": _("This file is empty."),
        },
    )


class TierForm(forms.Form):
    min_cases = forms.IntegerField(label=_("From cases"), min_value=2, required=False)
    unit_price = forms.DecimalField(label=_("Net price per unit"), required=False, **MONEY)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cases, price = data.get("min_cases"), data.get("unit_price")
        if (cases is None) != (price is None) and not self.errors:
            raise forms.ValidationError(_("Give both the number of cases and the price."))
        return data


class BaseTierFormSet(forms.BaseFormSet[forms.Form]):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Every row is validated, even one that equals its initial tier: an unchanged row that
        # was skipped as "empty" would drop the tier.
        return {**super().get_form_kwargs(index), "empty_permitted": False}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            cases = form.cleaned_data.get("min_cases")
            if cases is None:
                continue
            if cases in seen:
                raise forms.ValidationError(
                    _("Two volume prices start at %(n)s cases.") % {"n": cases}
                )
            seen.add(cases)

    def tiers(self) -> list[tuple[int, Any]]:
        return sorted(
            (f.cleaned_data["min_cases"], f.cleaned_data["unit_price"])
            for f in self.forms
            if f.cleaned_data.get("min_cases") is not None
        )


TierFormSet = forms.formset_factory(TierForm, formset=BaseTierFormSet, extra=0, max_num=20)


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or SKU"), required=False, max_length=100)
    category = forms.CharField(label=_("Category"), required=False, max_length=80)
    available = forms.BooleanField(label=_("Available only"), required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Price list"),
        help_text=_("CSV, XLSX or ODS; coopbuy's columns or a Foodsoft article file."),
    )
