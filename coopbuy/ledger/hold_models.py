"""Holds: money set aside on an account for a promise that may or may not become a charge.

A campaign pledge holds its amount on the member's balance until the campaign tips (the hold is
released and the charge posted) or fails (released, nothing posted). A hold moves no money and is
not a posting: the balance stays as the entries say; what the member may still spend is the
balance less their active holds (`selectors.available_to_spend`).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Hold(models.Model):
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="holds")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    # What the hold is for, by id (e.g. "campaign_pledge", 17): never found by its label.
    source_kind = models.CharField(max_length=30)
    source_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_hold_amount_positive"),
            models.UniqueConstraint(
                fields=["source_kind", "source_id"],
                condition=Q(released_at__isnull=True),
                name="ledger_hold_one_active_per_source",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account"], name="ledger_hold_active", condition=Q(released_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} held: {self.reason}"
