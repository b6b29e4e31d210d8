"""Bank statements a treasurer imported, and their lines waiting to be booked as top-ups.

See `coopbuy.ledger.statements` for the import and the matching. Registered with the app's models
by `coopbuy.ledger.models`, which imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatementImport(models.Model):
    """One bank statement file a treasurer imported, with the column mapping they chose."""

    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="statement_imports"
    )
    filename = models.CharField(max_length=200)
    mapping = models.JSONField(default=dict)
    line_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return self.filename


class StatementLine(models.Model):
    """A bank line: matched to a member by payment reference, booked as a top-up, or waiting."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched: waiting for confirmation")
        UNMATCHED = "unmatched", _("Waiting for review")
        BOOKED = "booked", _("Booked as a top-up")
        IGNORED = "ignored", _("Ignored")

    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(StatementImport, on_delete=models.PROTECT, related_name="items")
    line_number = models.PositiveIntegerField()
    date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reference = models.CharField(max_length=300, blank=True)
    counterparty = models.CharField(max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    account = models.ForeignKey(
        "ledger.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("date", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "fingerprint"], name="statement_line_once_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.reference}"
