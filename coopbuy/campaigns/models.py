"""Campaigns, their price tiers and the pledges people make: fields and constraints only.

The rules (who counts, the final price, the cap) are in `coopbuy.core.campaign`; every write is in
`services.py`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_code() -> str:
    """A share code: short, unguessable, URL-safe."""
    return secrets.token_urlsafe(9)


class Campaign(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open for pledges")
        TIPPED = "tipped", _("Going ahead")
        FAILED = "failed", _("Did not reach its minimum")
        CANCELLED = "cancelled", _("Cancelled")

    class Measure(models.TextChoices):
        PARTICIPANTS = "participants", _("Households")
        UNITS = "units", _("Units")

    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="campaigns"
    )
    supplier = models.ForeignKey(
        "catalog.Supplier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(max_length=20, unique=True, default=new_code)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what it is"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, default="unit")
    measure = models.CharField(
        _("counted in"), max_length=12, choices=Measure.choices, default=Measure.PARTICIPANTS
    )
    cap = models.PositiveIntegerField(_("most units"), null=True, blank=True)
    max_per_person = models.PositiveIntegerField(_("most units per person"), default=20)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    unit_price = models.DecimalField(  # the final price, once tipped
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    # The area that runs it ("": the group itself): pledges then come only through that area
    # (e.g. "teamdeals", whose teams are campaigns), never through the campaign's own pages.
    owner = models.CharField(max_length=30, blank=True, default="")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("deadline", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "tipped", "failed", "cancelled"]),
                name="campaign_status_known",
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=1), name="campaign_cap_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CampaignTier(models.Model):
    """A price reached at a number of households or units; the lowest tier is the minimum."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    threshold = models.PositiveIntegerField(_("from"))
    unit_price = models.DecimalField(_("price per unit"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("campaign", "threshold")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "threshold"], name="campaign_tier_threshold_unique"
            ),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="campaign_tier_price"),
        ]

    def __str__(self) -> str:
        return f"{self.threshold}: {self.unit_price}"


class Pledge(models.Model):
    """One person's pledge. Changing it updates the row; a withdrawn pledge stays as history."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Pledged")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FILLED = "filled", _("Filled")
        LEFT_OUT = "left_out", _("Price limit not reached")
        RELEASED = "released", _("Released: the campaign did not go ahead")

    class Payment(models.TextChoices):
        HOLD = "hold", _("Held on my balance")
        PROMISE = "promise", _("A promise to pay")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    max_price = models.DecimalField(
        _("only if the price reaches"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    payment = models.CharField(max_length=8, choices=Payment.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    share_code = models.CharField(max_length=20, unique=True, default=new_code)
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    amount_due = models.DecimalField(  # once filled: quantity x the final price
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    transaction = models.ForeignKey(  # the charge, for a pledge held on a balance
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="pledge_one_per_person"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="pledge_quantity_positive"),
            models.CheckConstraint(
                condition=Q(max_price__isnull=True) | Q(max_price__gte=0),
                name="pledge_max_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} x{self.quantity} for {self.campaign}"
