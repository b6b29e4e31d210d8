"""Order rounds: the prices they were opened with, members' demand, and the frozen results.

A round copies its suppliers' terms (`RoundSupplier`) and products (`RoundProduct`) when it opens,
so what members ordered at never changes with the catalogue. Closing writes the engine's result
(cases and applied prices on `RoundProduct`, `Allocation` lines, `MemberRoundCharge`); receiving
adjusts them and leaves a `ReceivingRecord` for every change. Money: `Decimal` with 2 places;
rates (VAT, markup) as fractions with 4 places (0.0500 = 5 %).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 4}


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for orders")
        CLOSED = "closed", _("Closed")
        ORDERED = "ordered", _("Ordered from suppliers")
        RECEIVED = "received", _("Received")
        SETTLED = "settled", _("Settled")
        CANCELLED = "cancelled", _("Cancelled")

    class Policy(models.TextChoices):
        FCFS = "fcfs", _("First come, first served")
        PROPORTIONAL = "proportional", _("In proportion to what each member asked for")
        OPTIMAL = "optimal", _("Optimal: the most value delivered")

    class DeliveryShare(models.TextChoices):
        VALUE = "value", _("By the value of each member's goods")
        WEIGHT = "weight", _("By weight")
        HOUSEHOLD = "household", _("Equally per household")

    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    policy = models.CharField(
        _("how short cases are shared"), max_length=12, choices=Policy.choices, default="fcfs"
    )
    markup_rate = models.DecimalField(_("markup"), default=0, **RATE)
    delivery_share = models.CharField(
        _("delivery costs shared"),
        max_length=10,
        choices=DeliveryShare.choices,
        default=DeliveryShare.VALUE,
    )
    currency = models.CharField(max_length=3, default="GBP")
    schedule = models.ForeignKey(
        "rounds.RoundSchedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    ordered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    # A child round of a federation's pooled round (`coopbuy.pooled`): allocated with the pool.
    pool = models.ForeignKey(
        "pooled.PooledRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    # When the group wants the delivery (the purchase order says so); never before the close.
    wanted_by = models.DateField(_("wanted by"), null=True, blank=True)

    class Meta:
        ordering = ("-closes_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="round_closes_after_opening"
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
                name="round_status_known",
            ),
            models.CheckConstraint(
                condition=Q(policy__in=["fcfs", "proportional", "optimal"]),
                name="round_policy_known",
            ),
            models.CheckConstraint(
                condition=Q(markup_rate__gte=0, markup_rate__lt=1), name="round_markup_sane"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RoundSchedule(models.Model):
    """Open the next round when one closes: every `interval_weeks` weeks, same weekday and time."""

    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.CASCADE, related_name="round_schedules"
    )
    name = models.CharField(_("name"), max_length=120)
    interval_weeks = models.PositiveSmallIntegerField(_("every how many weeks"), default=1)
    open_days = models.PositiveSmallIntegerField(_("days open before closing"), default=7)
    suppliers = models.ManyToManyField("catalog.Supplier", related_name="+")
    policy = models.CharField(max_length=12, choices=Round.Policy.choices, default="fcfs")
    markup_rate = models.DecimalField(default=0, **RATE)
    delivery_share = models.CharField(
        max_length=10, choices=Round.DeliveryShare.choices, default="value"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1, open_days__gte=1), name="schedule_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoundSupplier(models.Model):
    """A supplier's terms as they were when the round opened, and what closing decided."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="suppliers")
    supplier = models.ForeignKey(
        "catalog.Supplier", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    order_email = models.EmailField(blank=True)
    min_order_value = models.DecimalField(default=0, **MONEY)
    delivery_fee = models.DecimalField(default=0, **MONEY)
    free_delivery_over = models.DecimalField(null=True, blank=True, **MONEY)
    ordered = models.BooleanField(default=False)
    goods = models.DecimalField(default=0, **MONEY)
    applied_delivery_fee = models.DecimalField(default=0, **MONEY)

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["round", "supplier"], name="round_supplier_once")
        ]

    def __str__(self) -> str:
        return self.name


class RoundProduct(models.Model):
    """A product as priced when the round opened; `cases` etc. are filled in by closing."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="products")
    supplier = models.ForeignKey(RoundSupplier, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey(
        "catalog.Product", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=80, blank=True)
    unit_description = models.CharField(max_length=80, blank=True)
    case_size = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY)
    vat_rate = models.DecimalField(default=0, **RATE)
    deposit = models.DecimalField(default=0, **MONEY)
    tiers = models.JSONField(default=list, blank=True)  # [[min_cases, "2.90"], ...]
    retail_unit_price = models.DecimalField(null=True, blank=True, **MONEY)
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    min_cases = models.PositiveIntegerField(default=0)
    max_cases = models.PositiveIntegerField(null=True, blank=True)
    cases = models.PositiveIntegerField(null=True, blank=True)
    applied_unit_price = models.DecimalField(null=True, blank=True, **MONEY)
    received_units = models.PositiveIntegerField(null=True, blank=True)
    substitute_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("category", "name", "id")
        constraints = [
            models.CheckConstraint(condition=Q(case_size__gte=1), name="round_product_case_size"),
            models.UniqueConstraint(fields=["round", "product"], name="round_product_once"),
        ]
        indexes = [models.Index(fields=["round", "category", "name"])]

    def __str__(self) -> str:
        return self.name


class DemandLine(models.Model):
    """One demand row of the allocation contract (see `coopbuy.core.basket` for the rule)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="demand")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="demand_lines"
    )
    product = models.ForeignKey(RoundProduct, on_delete=models.CASCADE, related_name="demand")
    quantity = models.PositiveIntegerField()
    tolerance = models.PositiveIntegerField(default=0)
    placed_at = models.DateTimeField()

    class Meta:
        ordering = ("placed_at", "id")
        indexes = [
            models.Index(fields=["round", "membership", "product"]),
            models.Index(fields=["round", "product"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(tolerance__gt=0), name="demand_line_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.quantity} (+{self.tolerance}) of {self.product_id}"


class MemberBudget(models.Model):
    """The most a member will spend on a round's goods (supplier prices, before VAT, markup and
    delivery); only the optimal policy can honour it, so the page offers it only there."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="budgets")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="round_budgets"
    )
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "membership"], name="budget_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.amount}"


class Allocation(models.Model):
    """What a member receives of one product, with the engine's reason."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="allocations")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="allocations"
    )
    product = models.ForeignKey(RoundProduct, on_delete=models.CASCADE, related_name="allocations")
    requested = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField()
    from_quantity = models.PositiveIntegerField()
    from_tolerance = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)
    explanation_code = models.CharField(max_length=40, blank=True)
    explanation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("membership", "product")
        constraints = [
            models.UniqueConstraint(fields=["product", "membership"], name="allocation_once"),
            models.CheckConstraint(
                condition=Q(units=models.F("from_quantity") + models.F("from_tolerance")),
                name="allocation_units_add_up",
            ),
        ]
        indexes = [models.Index(fields=["round", "membership"])]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.units} of {self.product_id}"


class MemberRoundCharge(models.Model):
    """A member's bill for the round (the ledger posts `total`); collection is tracked here too."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="charges")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="round_charges"
    )
    goods = models.DecimalField(**MONEY)
    deposit = models.DecimalField(default=0, **MONEY)
    vat = models.DecimalField(**MONEY)
    markup = models.DecimalField(**MONEY)
    delivery = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("round", "membership")
        constraints = [
            # total = goods + deposit + vat + markup + delivery is kept by `coopbuy.core.charges`;
            # not a CHECK: SQLite adds decimals as floats and would refuse exact sums.
            models.UniqueConstraint(fields=["round", "membership"], name="charge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.total}"


class ReceivingRecord(models.Model):
    """One correction entered at delivery: who, when, what arrived and at what price."""

    class Kind(models.TextChoices):
        AS_ORDERED = "as_ordered", _("As ordered")
        SHORT = "short", _("Short")
        EXTRA = "extra", _("Extra")
        SUBSTITUTED = "substituted", _("Substituted")
        PRICE_CHANGED = "price_changed", _("Price changed on the invoice")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="receiving_records")
    product = models.ForeignKey(RoundProduct, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    units_ordered = models.PositiveIntegerField()
    units_received = models.PositiveIntegerField()
    old_unit_price = models.DecimalField(**MONEY)
    new_unit_price = models.DecimalField(**MONEY)
    substitute_name = models.CharField(max_length=200, blank=True)
    leftover_units = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-recorded_at", "-id")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.kind}"


class RoundAnnouncement(models.Model):
    """One announcement email of a round to one member: written with the email, so at most once.

    "open" goes out when the round opens, "closing" from the reminder sweep about 24 hours before
    the deadline (`coopbuy.rounds.announcements`); the unique row makes a rerun send nothing.
    """

    class Kind(models.TextChoices):
        OPEN = "open", _("A round is open")
        CLOSING = "closing", _("A round closes in 24 hours")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="announcements")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="round_announcements"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=["round", "membership", "kind"], name="round_announcement_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["open", "closing"]), name="round_announcement_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.round_id} to {self.membership_id}"


class AnnouncementPreference(models.Model):
    """Which round announcements a member of a group wants; no row means both (the default)."""

    membership = models.OneToOneField(
        "groups.Membership", on_delete=models.CASCADE, related_name="announcement_preference"
    )
    round_open = models.BooleanField(_("when a round opens"), default=True)
    round_closing = models.BooleanField(_("24 hours before a round closes"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"announcements of {self.membership_id}"
