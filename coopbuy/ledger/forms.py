"""Forms for the money pages: they parse and validate, services decide.

Every form that moves money carries a hidden token the server issued for that form, that person,
that group and that operation (`form_tokens`); a retried POST (double click, reload, flaky network)
sends the same token, and the service returns the first result instead of posting again. Its
cleaned value is the ledger key (a user key): the browser never chooses the key itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from coopbuy.catalog.models import Supplier
from coopbuy.errors import MONEY_MESSAGES
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger import form_tokens
from coopbuy.ledger.models import Account, Transaction
from coopbuy.ledger.selectors import format_money, unusual_top_up_threshold
from coopbuy.ledger.services import MAX_AMOUNT, too_large_at_once
from coopbuy.ledger.sources import SourceKind
from coopbuy.ledger.statements import DATE_FORMATS, FIELDS

METHODS = [(Account.Kind.BANK, _("Bank transfer")), (Account.Kind.CASH, _("Cash"))]


class MemberChoiceField(forms.ModelChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.name} ({obj.user.email})"


def members_of(group: BuyingGroup) -> QuerySet[Membership]:
    """The group's members now: money forms offer no one who has left."""
    return (
        Membership.objects.active()
        .filter(group=group)
        .select_related("user", "group")
        .order_by("user__display_name", "user__email")
    )


class IdempotentForm(forms.Form):
    """A money form: `idempotency_key` carries the server's token, cleaned into the ledger key."""

    operation = ""
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=400)

    def __init__(self, *args: Any, user_id: int, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id, self.group_id, self.currency = user_id, group.pk, group.currency
        self.initial["idempotency_key"] = form_tokens.issue(
            user_id=user_id, group_id=group.pk, operation=self.operation
        )

    def clean_idempotency_key(self) -> str:
        try:
            return form_tokens.redeem(
                self.cleaned_data["idempotency_key"],
                user_id=self.user_id,
                group_id=self.group_id,
                operation=self.operation,
            )
        except form_tokens.FormTokenError as error:
            raise forms.ValidationError(error.message) from None

    def add_error(self, field: str | None, error: Any) -> None:
        # The token is a hidden field: its errors are shown at the top of the form.
        super().add_error(None if field == "idempotency_key" else field, error)


class AmountMixin(forms.Form):
    """An amount of money taken at once: more than zero, pence at most, at most `MAX_AMOUNT`
    (refused with the limit as pages show money, in the currency of the form's book)."""

    currency = "GBP"  # the book's: set by the form (`IdempotentForm`, `FederationMoneyForm`)
    amount = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Amount"),
        decimal_places=2,
        min_value=0.01,
    )

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(too_large_at_once(self.currency))
        return amount


class TopUpForm(IdempotentForm, AmountMixin):
    operation = "top_up"
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())
    method = forms.ChoiceField(label=_("Paid by"), choices=METHODS, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    booked_on = forms.DateField(
        label=_("Date received"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    confirm_amount = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    field_order = ["membership", "amount", "method", "reference", "booked_on"]

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, group=group, **kwargs)
        self.group = group
        self.fields["membership"].queryset = members_of(group)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        """An amount far above the group's usual top-up is asked about once more (a typo?)."""
        data = super().clean() or {}
        amount = data.get("amount")
        if amount is None:
            return data
        threshold, usual = unusual_top_up_threshold(group=self.group)
        if amount >= threshold and data.get("confirm_amount") != str(amount):
            shown = format_money(amount, self.group.currency)
            message = (
                _(
                    "%(amount)s is far more than the usual top-up of %(usual)s. Check the "
                    "amount; if it is right, press Record again."
                )
                % {"amount": shown, "usual": format_money(usual, self.group.currency)}
                if usual is not None
                else _(
                    "%(amount)s is a large top-up. Check the amount; if it is right, press "
                    "Record again."
                )
                % {"amount": shown}
            )
            data_copy = dict(self.data.items())
            data_copy["confirm_amount"] = str(amount)
            self.data = data_copy
            self.add_error("amount", message)
        return data


class RefundForm(IdempotentForm, AmountMixin):
    operation = "refund"
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())
    method = forms.ChoiceField(label=_("Paid back by"), choices=METHODS, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    field_order = ["membership", "amount", "method", "reason"]

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, group=group, **kwargs)
        self.fields["membership"].queryset = members_of(group)  # type: ignore[attr-defined]


class AdjustmentForm(IdempotentForm):
    operation = "adjustment"
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())
    amount = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Amount"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Positive credits the member, negative charges them."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, group=group, **kwargs)
        self.fields["membership"].queryset = members_of(group)  # type: ignore[attr-defined]


class ReverseForm(IdempotentForm):
    operation = "reversal"
    reason = forms.CharField(label=_("Why"), max_length=200, required=False)


class SettingsForm(forms.Form):
    prepayment_required = forms.BooleanField(
        label=_("Members must have the money on their account before they order"), required=False
    )
    credit_limit = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Credit a member may run"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        help_text=_("How far below zero a balance may go when prepayment is required."),
    )
    invoice_prefix = forms.CharField(
        label=_("Invoice number prefix"),
        max_length=12,
        help_text=_("Invoices are numbered PREFIX-YEAR-0001 without gaps."),
    )


class SupplierChoiceField(forms.ModelChoiceField[Supplier]):
    pass


class SupplierInvoiceForm(IdempotentForm):
    operation = "supplier_invoice"
    supplier = SupplierChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    number = forms.CharField(label=_("Invoice number"), max_length=80)
    amount = forms.DecimalField(
        error_messages=MONEY_MESSAGES,
        label=_("Invoice total"),
        max_digits=10,
        decimal_places=2,
        min_value=0.01,
    )
    round_id = forms.TypedChoiceField(
        label=_("Round"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The round this invoice is for, to compare with what members were charged."),
    )

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, group=group, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(group=group)  # type: ignore[attr-defined]
        rounds = (
            Transaction.objects.filter(group=group, source_kind=SourceKind.ROUND)
            .order_by("-pk")
            .values_list("source_id", "round_reference")
        )
        latest: dict[int | None, str] = {}
        for pk, label in rounds[:500]:
            latest.setdefault(pk, label)  # each round once, by its latest label
        self.fields["round_id"].choices = [  # type: ignore[attr-defined]
            ("", _("(not for a round)")),
            *((str(pk), label) for pk, label in list(latest.items())[:50]),
        ]


class SupplierPaymentForm(IdempotentForm, AmountMixin):
    operation = "supplier_payment"
    supplier = SupplierChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    method = forms.ChoiceField(label=_("Paid from"), choices=METHODS, widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    field_order = ["supplier", "amount", "method", "reference"]

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, group=group, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.filter(group=group)  # type: ignore[attr-defined]


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Bank statement (CSV)"))


class StatementMappingForm(forms.Form):
    """Which column holds what; the choices are the file's own header names."""

    date_format = forms.ChoiceField(
        label=_("Dates look like"),
        choices=[(fmt, example) for fmt, example in DATE_FORMATS.items()],
    )
    decimal_separator = forms.ChoiceField(
        label=_("Pence are separated by"),
        choices=[
            ("auto", _("Work it out from the amounts")),
            (".", _("A point: 1,234.56")),
            (",", _("A comma: 1.234,56")),
        ],
        initial="auto",
        required=False,
        help_text=_("Asked only when an amount such as 1,500 could be read two ways."),
    )

    LABELS = {
        "date": _("Date"),
        "amount": _("Amount (money in is positive)"),
        "reference": _("Reference"),
        "counterparty": _("From (counterparty)"),
        "bank_id": _("Bank's transaction id"),
    }

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(none)"))] + [(str(i), h or f"#{i + 1}") for i, h in enumerate(headers)]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=self.LABELS[name], choices=choices, required=name in ("date", "amount")
            )
            if not self.is_bound:
                self.initial[name] = _guess(name, headers)
        self.order_fields([*FIELDS, "date_format", "decimal_separator"])

    def mapping(self) -> dict[str, int | None]:
        return {
            name: int(self.cleaned_data[name]) if self.cleaned_data.get(name) else None
            for name in FIELDS
        }


GUESSES = {
    "date": ("date", "booking date", "datum"),
    "amount": ("amount", "value", "betrag", "paid in", "credit"),
    "reference": ("reference", "description", "memo", "details", "verwendungszweck"),
    "counterparty": ("counterparty", "payer", "name", "from", "payee"),
    "bank_id": ("transaction id", "id", "bank id"),
}


def _guess(name: str, headers: list[str]) -> str:
    lowered = [h.strip().lower() for h in headers]
    for wanted in GUESSES[name]:
        if wanted in lowered:
            return str(lowered.index(wanted))
    return ""


class AssignLineForm(forms.Form):
    membership = MemberChoiceField(label=_("Member"), queryset=Membership.objects.none())

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = members_of(group)  # type: ignore[attr-defined]


class BankDetailsForm(forms.Form):
    account_name = forms.CharField(
        label=_("Account name"),
        max_length=70,
        required=False,
        help_text=_("The name on the account, as members' banks check it."),
    )
    sort_code = forms.CharField(label=_("Sort code"), max_length=10, required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=12, required=False)
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        help_text=_("For transfers from outside the UK, or instead of a sort code and number."),
    )
    bic = forms.CharField(label=_("BIC"), max_length=14, required=False)
