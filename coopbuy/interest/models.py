"""Interest registered by people without a group (or looking for another), and what they were told.

A person has at most one interest: what they would buy, about how much and how often, where
(a postcode, geocoded offline to its sector's centre), how far they would travel, and whether
they could host a pickup. Its postcode district is the "area" whose waiting list they are on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TRAVEL_KM = 100


class Interest(models.Model):
    class Every(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interest"
    )
    categories = models.JSONField(_("what I would buy"), default=list, blank=True)
    suppliers = models.JSONField(_("suppliers I would order from"), default=list, blank=True)
    products = models.CharField(_("products"), max_length=500, blank=True)
    spend_per_round = models.DecimalField(
        _("about how much per order (£)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    every = models.CharField(
        _("how often"), max_length=12, choices=Every.choices, default=Every.MONTHLY
    )
    postcode = models.CharField(_("postcode"), max_length=12)
    area = models.CharField(_("postcode district"), max_length=4, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    travel_km = models.PositiveSmallIntegerField(_("how far I would travel (km)"), default=5)
    can_host_pickup = models.BooleanField(_("I could host a pickup"), default=False)
    another_group = models.BooleanField(
        _("I am in a group and would like another one too"),
        default=False,
        help_text="A member is matched into suggested groups only with this on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="interest_lat_lon")]
        constraints = [
            models.CheckConstraint(
                condition=Q(travel_km__gte=1, travel_km__lte=MAX_TRAVEL_KM),
                name="interest_travel_km_range",
            ),
            models.CheckConstraint(
                condition=Q(spend_per_round__isnull=True) | Q(spend_per_round__gte=0),
                name="interest_spend_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="interest_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(every__in=["weekly", "fortnightly", "monthly"]),
                name="interest_every_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} near {self.postcode}"


class InterestNotice(models.Model):
    """We told a person that a group near them formed or opened to new members (once a group)."""

    class Reason(models.TextChoices):
        FORMED = "formed", _("A new group formed near you")
        OPENED = "opened", _("A group near you opened to new members")

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="notices")
    group = models.ForeignKey("groups.BuyingGroup", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    distance_km = models.DecimalField(max_digits=6, decimal_places=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["interest", "group"], name="interest_notice_once"),
            models.CheckConstraint(
                condition=Q(reason__in=["formed", "opened"]), name="interest_notice_reason_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: group {self.group_id}"


def suggestion_expiry() -> datetime:
    """When a suggestion proposed now expires unanswered: `COOPBUY_SUGGESTION_DAYS` from now."""
    return timezone.now() + timedelta(days=settings.COOPBUY_SUGGESTION_DAYS)


class Suggestion(models.Model):
    """A group the matching engine proposes to people with registered interest (no group yet).

    An open suggestion nobody answers expires at `expires_at`: `SUGGESTION_EXPIRE_DAYS` after it
    was proposed, or after the last accept or decline (each answer moves it on).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        STARTED = "started", _("Started")
        EXPIRED = "expired", _("Expired")

    supplier = models.CharField(max_length=80)
    what = models.CharField(max_length=80, help_text="What they want, for the message.")
    place = models.CharField(max_length=80, help_text="The place the pickup is near.")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    expected_order_value = models.DecimalField(max_digits=10, decimal_places=2)
    min_order_value = models.DecimalField(max_digits=10, decimal_places=2)
    min_size = models.PositiveSmallIntegerField()
    members_key = models.CharField(max_length=2000, help_text="Sorted user ids, to not repeat.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    group = models.ForeignKey(
        "groups.BuyingGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=suggestion_expiry, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "started", "expired"]),
                name="suggestion_status_known",
            ),
            models.UniqueConstraint(
                fields=["members_key", "supplier"],
                condition=Q(status="open"),
                name="suggestion_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} near {self.place}"


class SuggestedMember(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggested_in"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PROPOSED)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "user"], name="suggested_member_once"),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "accepted", "declined"]),
                name="suggested_member_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.suggestion}: {self.state}"
