"""Pooled rounds: one order to a shared supplier across a federation's groups.

A `PooledRound` owns one child `rounds.Round` per member group (`Round.pool`), where that group's
members order as usual. Closing allocates the pool once (`coopbuy.core.pooling`) and freezes each
child round; what pooling changed against each group ordering alone is kept per group
(`PooledGroupResult`), per product of each group's drop (`PooledDrop`) and per member
(`PooledMemberSaving`). Money: `Decimal`, 2 places.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coopbuy.rounds.models import ReceivingRecord

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class PooledRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for orders")
        CLOSED = "closed", _("Closed")
        ORDERED = "ordered", _("Ordered from the supplier")
        RECEIVED = "received", _("Received")
        SETTLED = "settled", _("Settled")
        CANCELLED = "cancelled", _("Cancelled")

    class Policy(models.TextChoices):
        FCFS = "fcfs", _("First come, first served")
        PROPORTIONAL = "proportional", _("In proportion to what each member asked for")
        OPTIMAL = "optimal", _("Optimal: the most value delivered")

    class DeliveryShare(models.TextChoices):
        # The engine's rule 6 over the whole pool; the only one the pooled engine implements.
        POOL_VALUE = "pool_value", _("By the value of each member's goods, across the pool")

    federation = models.ForeignKey(
        "federations.Federation", on_delete=models.PROTECT, related_name="pooled_rounds"
    )
    supplier = models.ForeignKey(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="pooled_rounds"
    )
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    policy = models.CharField(
        _("how short cases are shared"), max_length=12, choices=Policy.choices, default="fcfs"
    )
    drop_fee = models.DecimalField(_("drop fee per group"), default=0, **MONEY)
    delivery_share = models.CharField(
        _("supplier's delivery fee shared"),
        max_length=12,
        choices=DeliveryShare.choices,
        default=DeliveryShare.POOL_VALUE,
    )
    currency = models.CharField(max_length=3, default="GBP")
    # The supplier's terms as they were when the pooled round opened.
    min_order_value = models.DecimalField(default=0, **MONEY)
    delivery_fee = models.DecimalField(default=0, **MONEY)
    free_delivery_over = models.DecimalField(null=True, blank=True, **MONEY)
    # What closing decided.
    goods = models.DecimalField(default=0, **MONEY)  # supplier gross: goods, deposits, VAT
    applied_delivery_fee = models.DecimalField(default=0, **MONEY)
    ordered = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ordered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-closes_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="pooled_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "open",
                        "closed",
                        "ordered",
                        "received",
                        "settled",
                        "cancelled",
                    ]
                ),
                name="pooled_status_known",
            ),
            models.CheckConstraint(
                condition=Q(policy__in=["fcfs", "proportional", "optimal"]),
                name="pooled_policy_known",
            ),
            models.CheckConstraint(condition=Q(drop_fee__gte=0), name="pooled_drop_fee_sane"),
        ]

    def __str__(self) -> str:
        return self.name


class FederationPayable(models.Model):
    """The federation book's account for what it owes one shared supplier (linked by id).

    A supplier's own payable (`Account.supplier`) is its owning group's; the federation keeps
    its own, found through this row, never by a name.
    """

    federation = models.ForeignKey("federations.Federation", on_delete=models.PROTECT)
    supplier = models.ForeignKey("catalog.Supplier", on_delete=models.PROTECT, related_name="+")
    account = models.OneToOneField("ledger.Account", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "supplier"], name="federation_payable_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.federation_id}: {self.supplier_id}"


class PooledGroupResult(models.Model):
    """One group's part of a closed pooled round, and the same group ordering alone."""

    pool = models.ForeignKey(PooledRound, on_delete=models.CASCADE, related_name="group_results")
    round = models.OneToOneField(
        "rounds.Round", on_delete=models.CASCADE, related_name="pooled_result"
    )
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.PROTECT, related_name="+")
    goods = models.DecimalField(**MONEY)  # at the pooled prices, before VAT and markup
    delivery = models.DecimalField(**MONEY)  # share of the supplier's fee + the drop fee
    drop_fee = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    owed = models.DecimalField(**MONEY)  # to the federation: goods, deposits, VAT, delivery
    members_receiving = models.PositiveIntegerField()
    received_quantity = models.PositiveIntegerField()
    alone_goods = models.DecimalField(**MONEY)
    alone_delivery = models.DecimalField(**MONEY)
    alone_total = models.DecimalField(**MONEY)
    alone_received_quantity = models.PositiveIntegerField()
    pooling_saving = models.DecimalField(**MONEY)  # may be negative
    extra_cases = models.PositiveIntegerField()  # cases only the pool filled for the group
    # The group's delivery (its share of the supplier's fee + the drop fee) once the federation
    # received a shortage (None: `delivery`); a drop shortage re-shares it within the group.
    sent_delivery = models.DecimalField(null=True, blank=True, **MONEY)

    class Meta:
        ordering = ("pool", "group__name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["pool", "group"], name="pooled_group_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} in {self.pool_id}"


class PooledDrop(models.Model):
    """What one group receives of one product, pooled, against what it would have alone."""

    pool = models.ForeignKey(PooledRound, on_delete=models.CASCADE, related_name="drops")
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("rounds.RoundProduct", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    case_size = models.PositiveIntegerField()
    units = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)  # the pool's applied price
    alone_units = models.PositiveIntegerField()
    alone_cases = models.PositiveIntegerField()
    alone_unit_price = models.DecimalField(**MONEY)
    extra_cases = models.PositiveIntegerField()
    # What the federation sends the group after receiving a shortage (None: `units`, as allocated).
    sent_units = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("pool", "group", "name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["pool", "product"], name="pooled_drop_once"),
        ]

    def __str__(self) -> str:
        return f"{self.units} x {self.name}"


class PooledMemberSaving(models.Model):
    """One member's result of the pooled round against their group ordering alone."""

    pool = models.ForeignKey(PooledRound, on_delete=models.CASCADE, related_name="member_savings")
    round = models.ForeignKey("rounds.Round", on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey("groups.Membership", on_delete=models.PROTECT, related_name="+")
    received_quantity = models.PositiveIntegerField()
    goods = models.DecimalField(**MONEY)
    delivery = models.DecimalField(**MONEY)
    alone_received_quantity = models.PositiveIntegerField()
    alone_received_tolerance = models.PositiveIntegerField()
    alone_goods = models.DecimalField(**MONEY)
    alone_delivery = models.DecimalField(**MONEY)
    alone_total = models.DecimalField(**MONEY)
    pooling_saving = models.DecimalField(**MONEY)  # may be negative: shown as a cost

    class Meta:
        ordering = ("pool", "membership")
        constraints = [
            models.UniqueConstraint(fields=["pool", "membership"], name="pooled_saving_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.pooling_saving}"


class PooledReceiving(models.Model):
    """One receiving session at the federation: what the supplier delivered, product by product.

    Recorded in one transaction with the re-allocation and every correcting posting; `key` (the
    form's hidden token or the API's Idempotency-Key) makes a retried session a no-op.
    """

    pool = models.ForeignKey(PooledRound, on_delete=models.CASCADE, related_name="receivings")
    key = models.CharField(max_length=64)
    note = models.CharField(max_length=300, blank=True)
    members_told = models.PositiveIntegerField(default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("pool", "-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["pool", "key"], name="pooled_receiving_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.pool_id}: {self.key}"


class PooledReceivingLine(models.Model):
    """What reached the federation of one product in a receiving session: how many units, at
    what price on the supplier's invoice, under which name if substituted, and the units nobody
    asked for (the federation's leftover, charged to no one)."""

    receiving = models.ForeignKey(PooledReceiving, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=16, choices=ReceivingRecord.Kind.choices, default=ReceivingRecord.Kind.AS_ORDERED
    )
    units_ordered = models.PositiveIntegerField()  # what the federation expected before
    units_received = models.PositiveIntegerField()
    old_unit_price = models.DecimalField(null=True, blank=True, **MONEY)  # None: not recorded
    new_unit_price = models.DecimalField(null=True, blank=True, **MONEY)
    substitute_name = models.CharField(max_length=200, blank=True)
    leftover_units = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("receiving", "name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["receiving", "product"], name="pooled_receiving_line_once"
            ),
            models.CheckConstraint(
                condition=Q(leftover_units__lte=models.F("units_received")),
                name="pooled_receiving_leftover_arrived",
            ),
            models.CheckConstraint(
                condition=Q(new_unit_price__gte=0), name="pooled_receiving_price_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.units_received} of {self.units_ordered} x {self.name}"
