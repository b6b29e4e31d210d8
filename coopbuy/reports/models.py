"""Report aggregates: one row per closed round and one per member per round.

Written in the transaction that closes or receives a round (`services.round_figures_record`), and
rebuilt from the rounds by `coopbuy reports rebuild`; `coopbuy reports check` compares the two.
Reports read only these rows, so a page's cost does not grow with the rounds' demand and
allocation rows. Ratios are stored with 3 places (0.943 = 94.3 %); money as `Decimal` with 2.
"""

from __future__ import annotations

from typing import Any

from django.db import models

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
RATIO: dict[str, Any] = {"max_digits": 4, "decimal_places": 3}

#: The fields `coopbuy reports check` compares (everything computed from the round).
ROUND_FIELDS = (
    "group_id", "closed_at", "currency", "members_ordering", "spend", "goods", "savings_retail",
    "savings_alone", "case_units", "case_units_filled", "case_fill", "requested_units",
    "received_units", "unmet_units", "tolerance_offered", "tolerance_used", "demand_fill",
    "lowest_fill", "jain",
)  # fmt: skip
SUPPLIER_FIELDS = (
    "group_id", "closed_at", "name", "ordered_units", "received_units", "short_units", "lead_days",
)  # fmt: skip
MEMBER_FIELDS = (
    "group_id", "closed_at", "spend", "goods", "delivery", "savings_retail", "savings_alone",
    "requested_units", "received_units", "tolerance_offered", "tolerance_used", "fill",
)  # fmt: skip


class RoundFigures(models.Model):
    round = models.OneToOneField("rounds.Round", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    closed_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    members_ordering = models.PositiveIntegerField()
    spend = models.DecimalField(**MONEY)
    goods = models.DecimalField(**MONEY)
    savings_retail = models.DecimalField(**MONEY)
    savings_alone = models.DecimalField(**MONEY)
    case_units = models.PositiveIntegerField()
    case_units_filled = models.PositiveIntegerField()
    case_fill = models.DecimalField(null=True, **RATIO)
    requested_units = models.PositiveIntegerField()
    received_units = models.PositiveIntegerField()
    unmet_units = models.PositiveIntegerField()
    tolerance_offered = models.PositiveIntegerField()
    tolerance_used = models.PositiveIntegerField()
    demand_fill = models.DecimalField(**RATIO)
    lowest_fill = models.DecimalField(**RATIO)
    jain = models.DecimalField(**RATIO)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("closed_at", "round_id")
        indexes = [models.Index(fields=["group", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.spend}"


class MemberRoundFigures(models.Model):
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("groups.Membership", on_delete=models.CASCADE, related_name="+")
    closed_at = models.DateTimeField()
    spend = models.DecimalField(**MONEY)
    goods = models.DecimalField(**MONEY)
    delivery = models.DecimalField(**MONEY)
    savings_retail = models.DecimalField(**MONEY)
    savings_alone = models.DecimalField(**MONEY)
    requested_units = models.PositiveIntegerField()
    received_units = models.PositiveIntegerField()
    tolerance_offered = models.PositiveIntegerField()
    tolerance_used = models.PositiveIntegerField()
    fill = models.DecimalField(null=True, **RATIO)  # None: asked for no quantity

    class Meta:
        ordering = ("closed_at", "round_id")
        constraints = [
            models.UniqueConstraint(fields=["round", "membership"], name="member_figures_once")
        ]
        indexes = [models.Index(fields=["membership", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.spend}"


class SupplierRoundFigures(models.Model):
    """What one supplier was asked for in a round, what it delivered and how long it took.

    `received_units`, `short_units` and `lead_days` are None until the round's delivery is
    received. A product delivered short counts its missing units; extra units of another product
    do not make up for them. The lead time runs from the purchase order (or the close, when no
    order was recorded as sent) to the delivery's receipt."""

    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.CASCADE, related_name="+")
    round_supplier_id = models.PositiveBigIntegerField()  # the round's terms row for the supplier
    name = models.CharField(max_length=120)
    closed_at = models.DateTimeField()
    ordered_units = models.PositiveIntegerField()
    received_units = models.PositiveIntegerField(null=True)
    short_units = models.PositiveIntegerField(null=True)
    lead_days = models.DecimalField(null=True, max_digits=6, decimal_places=1)

    class Meta:
        ordering = ("closed_at", "round_id", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "round_supplier_id"], name="supplier_figures_once"
            )
        ]
        indexes = [models.Index(fields=["group", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.short_units} short"
