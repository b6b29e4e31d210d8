"""Tenders: the tables.

A tender belongs to a federation or to one buying group (exactly one: a check constraint). Its
items are the pooled demand; invited suppliers (`catalog.Supplier` rows with supplier users) bid.
A bid keeps every revision (`BidRevision`, never rewritten); the latest one counts, and a
withdrawal is a revision too (with no lines). Prices live only on revisions and their lines, so
the `Bid` row itself is metadata (who, when, status) that is safe to list before the deadline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}
#: The contract caps the published weights' sum at 0.5; a tender may publish a lower cap.
CONTRACT_MAX_WEIGHT_SUM = Decimal("0.5")


class Tender(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Open for bids")
        CLOSED = "closed", _("Closed (bids opened)")
        AWARDED = "awarded", _("Awarded")
        CONFIRMED = "confirmed", _("Confirmed")
        NOT_CONFIRMED = "not_confirmed", _("Not confirmed")

    class Split(models.TextChoices):
        LOT = "lot", _("Each lot goes to one supplier")
        ITEM = "item", _("Each item goes to one supplier")
        UNITS = "units", _("An item may be shared between suppliers")

    federation = models.ForeignKey(
        "federations.Federation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenders",
    )
    group = models.ForeignKey(
        "groups.BuyingGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenders",
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    delivery_points = models.TextField(
        _("delivery points"), blank=True, max_length=2000, help_text=_("One address a line.")
    )
    delivery_from = models.DateField(_("first delivery"), null=True, blank=True)
    delivery_until = models.DateField(_("last delivery"), null=True, blank=True)
    criteria = models.JSONField(
        _("published criteria"),
        default=dict,
        blank=True,
        help_text=_("Criterion name → weight (a decimal string in [0, 1])."),
    )
    max_weight_sum = models.DecimalField(
        _("published maximum of the weights' sum"),
        max_digits=5,
        decimal_places=4,
        default=CONTRACT_MAX_WEIGHT_SUM,
    )
    split = models.CharField(_("split"), max_length=5, choices=Split.choices, default=Split.ITEM)
    currency = models.CharField(max_length=3, default="GBP")
    deadline = models.DateTimeField(_("deadline for bids"))
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.JSONField(default=dict, blank=True)  # the contract's input, as awarded
    result = models.JSONField(default=dict, blank=True)  # the contract's output, published
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_confirmed_reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("-deadline", "pk")
        constraints = [
            models.CheckConstraint(
                condition=(Q(federation__isnull=False) & Q(group__isnull=True))
                | (Q(federation__isnull=True) & Q(group__isnull=False)),
                name="tender_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(split__in=["lot", "item", "units"]), name="tender_split_known"
            ),
            models.CheckConstraint(
                condition=Q(max_weight_sum__gte=0, max_weight_sum__lte=CONTRACT_MAX_WEIGHT_SUM),
                name="tender_max_weight_sum_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "published",
                        "closed",
                        "awarded",
                        "confirmed",
                        "not_confirmed",
                    ]
                ),
                name="tender_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_confirmed") | ~Q(not_confirmed_reason=""),
                name="tender_not_confirmed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        owner = self.federation if self.federation_id else self.group
        return str(owner)

    def is_past_deadline(self, now: Any = None) -> bool:
        return bool((now or timezone.now()) >= self.deadline)


class TenderItem(models.Model):
    """One line of the pooled demand: an article (by its order code) or a specification."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item code (SKU)"), max_length=64)
    name = models.CharField(_("item or specification"), max_length=200)
    specification = models.TextField(_("specification"), blank=True, max_length=2000)
    category = models.CharField(_("category"), max_length=80, blank=True)
    unit = models.CharField(_("unit"), max_length=80, blank=True)
    case_size = models.PositiveIntegerField(_("units per case"), default=1)
    quantity = models.PositiveIntegerField(_("expected quantity (units)"))
    # What pooled demand put in `quantity` when it last filled the item (None: added by hand):
    # the last rounds' average and the members' open registered interest (campaign pledges).
    from_rounds = models.PositiveIntegerField(null=True, blank=True)
    from_interest = models.PositiveIntegerField(null=True, blank=True)
    lot = models.CharField(_("lot"), max_length=64, blank=True)

    class Meta:
        ordering = ("tender", "code")
        constraints = [
            models.UniqueConstraint(fields=["tender", "code"], name="tender_item_code_once"),
            models.CheckConstraint(condition=Q(case_size__gte=1), name="tender_item_case_size"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TenderInvitation(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="tender_invitations"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("tender", "pk")
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="tender_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.supplier} invited to {self.tender}"


class Bid(models.Model):
    """A supplier's bid for a tender: metadata only (the prices are in its revisions)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids")
    supplier = models.ForeignKey(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="tender_bids"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.SUBMITTED)
    first_submitted_at = models.DateTimeField(default=timezone.now)
    last_changed_at = models.DateTimeField(default=timezone.now)
    revisions_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("tender", "pk")
        constraints = [
            models.UniqueConstraint(fields=["tender", "supplier"], name="bid_once_per_supplier"),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "withdrawn"]), name="bid_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Bid of {self.supplier} for {self.tender}"


class BidRevision(models.Model):
    """One version of a bid, as submitted; never changed. A withdrawal has no lines."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn = models.BooleanField(default=False)
    delivery_fee = models.DecimalField(default=0, **MONEY)
    min_order_value = models.DecimalField(default=0, **MONEY)
    valid_until = models.DateField(null=True, blank=True)
    criteria = models.JSONField(default=dict, blank=True)  # criterion → score string in [0, 1]
    note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("bid", "number")
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_revision_number_once"),
            models.CheckConstraint(
                condition=Q(delivery_fee__gte=0, min_order_value__gte=0),
                name="bid_revision_terms_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.number} of bid {self.bid_id}"


class BidLine(models.Model):
    """A price for one tender item in one revision; `tiers` are [[min_quantity, "price"], ...]."""

    revision = models.ForeignKey(BidRevision, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(TenderItem, on_delete=models.CASCADE, related_name="+")
    unit_price = models.DecimalField(**MONEY)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    tiers = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("revision", "item")
        constraints = [
            models.UniqueConstraint(fields=["revision", "item"], name="bid_line_item_once"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="bid_line_price_sane"),
        ]

    def __str__(self) -> str:
        return f"Line for item {self.item_id}"


class TenderOptIn(models.Model):
    """A member's opt-in to order from the confirmed tender's catalogue in the next round."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="opt_ins")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.CASCADE, related_name="tender_opt_ins"
    )
    opted_in_at = models.DateTimeField(default=timezone.now)
    expected_saving = models.DecimalField(default=0, **MONEY)

    class Meta:
        ordering = ("tender", "pk")
        constraints = [
            models.UniqueConstraint(fields=["tender", "membership"], name="tender_opt_in_once")
        ]

    def __str__(self) -> str:
        return f"{self.membership} opted in to {self.tender}"


class TenderContract(models.Model):
    """A confirmed award's catalogue: the winning bid became this `catalog.Supplier`."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="contracts")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    catalogue = models.ForeignKey(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="tender_contracts"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("tender", "pk")
        constraints = [
            models.UniqueConstraint(fields=["tender", "bid"], name="tender_contract_once")
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} from {self.tender}"
