"""Federations of buying groups: which groups belong, who runs the federation, and its book.

A group applies and the federation's coordinators decide; a group leaves (with its money settled
first) by ending its row, never by deleting it, so the history of who pooled with whom stays.
The federation's money lives in its own ledger `Book` (kind `federation`), linked one to one.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Federation(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    description = models.TextField(_("public description"), blank=True, max_length=4000)
    book = models.OneToOneField("ledger.Book", on_delete=models.PROTECT, related_name="federation")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("name", "pk")

    def __str__(self) -> str:
        return self.name


class FederationGroup(models.Model):
    """A buying group's place in a federation: applied, then member (or refused), then left."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        MEMBER = "member", _("Member")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left")

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="groups")
    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="federation_rows"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.APPLIED
    )
    message = models.TextField(_("message with the application"), blank=True, max_length=2000)
    applied_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    refusal_reason = models.CharField(_("why it was refused"), max_length=500, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    markup_rate = models.DecimalField(
        _("the group's markup on pooled orders"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0"),
        help_text=_("A fraction: 0.05 adds 5 % to the pooled price for the group's members."),
    )

    class Meta:
        ordering = ("federation", "applied_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applied", "member", "refused", "left"]),
                name="federation_group_status_known",
            ),
            models.UniqueConstraint(
                fields=["federation", "group"],
                condition=Q(status__in=["applied", "member"]),
                name="federation_group_once_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} in {self.federation} ({self.status})"


class FederationRole(models.Model):
    """A person who runs a federation: a coordinator, or its treasurer. Ended, never deleted."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        TREASURER = "treasurer", _("Treasurer")

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federation_roles"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("federation", "role", "added_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["coordinator", "treasurer"]),
                name="federation_role_known",
            ),
            models.UniqueConstraint(
                fields=["federation", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="federation_role_once_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.federation}"


class FederationSupplier(models.Model):
    """A supplier whose catalogue the federation shares: its member groups order from it together.

    The supplier row (with its products, case sizes and price tiers) is kept by the group that
    added it; sharing it makes it the catalogue of the federation's pooled rounds. Ended, never
    deleted.
    """

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="suppliers")
    supplier = models.ForeignKey(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="federation_rows"
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("federation", "added_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "supplier"],
                condition=Q(ended_at__isnull=True),
                name="federation_supplier_once_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} shared in {self.federation}"
