"""Invoices: members' invoices per round, and suppliers' invoices recorded against their payable.

A member's invoice is numbered without gaps per group and year (`InvoiceSequence`, locked to hand
out the next number: see `coopbuy.ledger.invoices`); a supplier's shows the difference from what
members were charged for its goods (`coopbuy.ledger.suppliers`). Registered with the app's models
by `coopbuy.ledger.models`, which imports them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopbuy.ledger.sources import SourceKind, source_constraint, source_id_field, source_kind_field


class SupplierInvoice(models.Model):
    """A supplier's invoice for a round, recorded against its payable; shows the difference."""

    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="supplier_invoices"
    )
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="invoices_in"
    )
    number = models.CharField(_("invoice number"), max_length=80)
    round_reference = models.CharField(_("round"), max_length=80, blank=True)
    source_kind = source_kind_field()
    source_id = source_id_field()
    amount = models.DecimalField(_("invoice total"), max_digits=12, decimal_places=2)
    posted_goods = models.DecimalField(max_digits=12, decimal_places=2)
    transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-received_on", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "number"], name="supplier_invoice_number_once"
            ),
            source_constraint("supplier_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.amount})"

    @property
    def difference(self) -> Decimal:
        return self.amount - self.posted_goods


class InvoiceSequence(models.Model):
    """The last invoice number used by a group in a year; locked to hand out the next, gap-free."""

    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "year"], name="invoice_sequence_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.year}: {self.last_number}"


class Invoice(models.Model):
    """A member's invoice for one round: numbered without gaps per group and year."""

    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=40, unique=True)
    round_reference = models.CharField(max_length=80)
    source_kind = source_kind_field()
    source_id = source_id_field()
    member_name = models.CharField(max_length=160)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    issued_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-issued_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "source_kind", "source_id"],
                condition=~Q(source_kind=SourceKind.MANUAL),
                name="invoice_once_per_source",
            ),
            source_constraint("invoice"),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceItem(models.Model):
    """One line of a member invoice; `amount` is the line total including VAT."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=4)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("invoice", "position")

    def __str__(self) -> str:
        return self.description
