"""Suppliers of a group and their catalogues: products with case sizes and volume price tiers.

Money is stored as `Decimal` with 2 places (the group's currency minor unit); rates (VAT) as a
fraction with 4 places (0.2000 = 20 %). A round copies the prices it uses when it opens
(`rounds.RoundProduct`), so later catalogue changes never alter what members ordered at.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class Supplier(models.Model):
    """A wholesaler or producer a group orders from, with its ordering terms."""

    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.CASCADE, related_name="suppliers"
    )
    name = models.CharField(_("name"), max_length=120)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    order_email = models.EmailField(_("email for orders"), blank=True)
    website = models.URLField(_("website"), blank=True)
    min_order_value = models.DecimalField(_("minimum order value"), default=0, **MONEY)
    delivery_fee = models.DecimalField(_("delivery fee"), default=0, **MONEY)
    free_delivery_over = models.DecimalField(
        _("free delivery from"), null=True, blank=True, **MONEY
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time in days"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="supplier_name_once_per_group"),
            models.CheckConstraint(
                condition=Q(min_order_value__gte=0, delivery_fee__gte=0)
                & (Q(free_delivery_over__isnull=True) | Q(free_delivery_over__gte=0)),
                name="supplier_terms_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """One article of a supplier's catalogue, sold to members by the unit, bought by the case."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("order number (SKU)"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=80, blank=True)
    unit_description = models.CharField(
        _("unit"), max_length=80, blank=True, help_text=_("What a member gets, e.g. “500 g bag”.")
    )
    case_size = models.PositiveIntegerField(_("units per case"), default=1)
    unit_price = models.DecimalField(_("net price per unit"), **MONEY)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=0)
    deposit = models.DecimalField(_("deposit per unit"), default=0, **MONEY)
    retail_unit_price = models.DecimalField(
        _("retail price per unit"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("A shop's price, to show members what they save."),
    )
    weight_grams = models.PositiveIntegerField(_("weight per unit (g)"), null=True, blank=True)
    min_cases = models.PositiveIntegerField(_("minimum cases"), default=0)
    max_cases = models.PositiveIntegerField(_("maximum cases"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=80, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_available = models.BooleanField(_("available"), default=True)
    # Our own WebP renditions (`catalog.images.decoding`), never the bytes as they came; both set
    # or both empty, written only by `catalog.image_services`.
    image_small = models.FileField(_("image, 160 px"), blank=True, max_length=200)
    image_large = models.FileField(_("image, 480 px"), blank=True, max_length=200)
    image_source_url = models.CharField(
        _("image imported from"), max_length=2000, blank=True
    )  # the price list's URL the image came from; empty for an uploaded one
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("category", "name")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "sku"], name="product_sku_once_per_supplier"
            ),
            models.CheckConstraint(
                condition=Q(case_size__gte=1), name="product_case_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0, deposit__gte=0, vat_rate__gte=0, vat_rate__lt=1),
                name="product_prices_sane",
            ),
            models.CheckConstraint(
                condition=Q(max_cases__isnull=True) | Q(max_cases__gte=models.F("min_cases")),
                name="product_case_limits_ordered",
            ),
            models.CheckConstraint(
                condition=Q(image_small="", image_large="")
                | (~Q(image_small="") & ~Q(image_large="")),
                name="product_image_renditions_together",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "is_available", "category"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_description})" if self.unit_description else self.name

    @property
    def vat_percent(self) -> Decimal:
        """The VAT rate as people write it: 20 for 0.2000."""
        return (Decimal(self.vat_rate) * 100).quantize(Decimal("0.01")).normalize()


class PriceTier(models.Model):
    """A volume price: from `min_cases` cases of the product on, every unit costs `unit_price`."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_cases = models.PositiveIntegerField(_("from cases"))
    unit_price = models.DecimalField(_("net price per unit"), **MONEY)

    class Meta:
        ordering = ("product", "min_cases")
        constraints = [
            models.UniqueConstraint(fields=["product", "min_cases"], name="price_tier_once"),
            models.CheckConstraint(condition=Q(min_cases__gte=2), name="price_tier_from_two_cases"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="price_tier_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.unit_price} from {self.min_cases} cases"


class CatalogImport(models.Model):
    """An uploaded price list, parsed and compared with the catalogue, waiting to be confirmed.

    The parsed rows, the errors and the changes they would make are stored, so that the preview
    survives a reload and confirming applies exactly what was shown. `fingerprint` is a digest of
    the supplier's catalogue when the preview was made: if the catalogue has changed since, the
    import is not applied but previewed again (see `services.catalog_import_apply`).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        INVALID = "invalid", _("Has errors")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "invalid", "applied", "discarded"]),
                name="catalog_import_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} for {self.supplier} ({self.status})"

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(self.changes.get(key, [])) for key in ("new", "changed", "vanished")}


class ProductImageFetch(models.Model):
    """One image an applied price list named by URL, fetched by the worker (`catalog.tasks`).

    A failure is recorded here and shown on the import's page; it never undoes the import.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be fetched")
        DONE = "done", _("Fetched")
        FAILED = "failed", _("Failed")

    catalog_import = models.ForeignKey(
        CatalogImport, on_delete=models.CASCADE, related_name="image_fetches"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("catalog_import", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["catalog_import", "product"], name="image_fetch_once_per_import"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "done", "failed"]),
                name="image_fetch_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.url} for {self.product_id} ({self.status})"


class SupplierUser(models.Model):
    """A person who acts for a supplier (sees the purchase orders addressed to it; later, bids).

    Not a member of the group: a supplier user reaches only their supplier's own pages. Ended,
    never deleted (`ended_at`), like a membership.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_roles"
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("supplier", "added_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "user"],
                condition=Q(ended_at__isnull=True),
                name="supplier_user_once_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.supplier}"


class SupplierInvitation(models.Model):
    """An invitation, sent by email, to act for a supplier; accepted once, by a signed-in person."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    code = models.CharField(max_length=43, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="supplier_invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to act for {self.supplier}"

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"
