"""Organisations beyond the buying groups: employers, retailers or producers, community bodies.

An organisation is run by its admins; an admin is ended (`ended_at`), never deleted. Its money
(a subsidy fund, payroll receipts) lives in its own ledger `Book` (kind `organisation`). A
`Programme` is an organisation running or sponsoring one buying group for its employees; the
`programmes` and `subsidies` areas build enrolment, pickup, subsidies and payroll on it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer")
        RETAILER = "retailer", _("Retailer or producer")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("public description"), blank=True, max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    book = models.OneToOneField(
        "ledger.Book",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisation",
    )

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["employer", "retailer", "community"]),
                name="organisation_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationAdmin(models.Model):
    """A person who runs an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    added_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("organisation", "added_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(ended_at__isnull=True),
                name="organisation_admin_once_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} runs {self.organisation}"


class Programme(models.Model):
    """An organisation's buying programme: it runs (or sponsors) one buying group.

    Employees join the group through the programme (a verified work email, or a code); friends and
    family only if `allows_friends_and_family`. Ended (`ended_at`), never deleted.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    group = models.OneToOneField(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="programme"
    )
    name = models.CharField(_("name"), max_length=120)
    allows_friends_and_family = models.BooleanField(_("friends and family may join"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("organisation", "name", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
