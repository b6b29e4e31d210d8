"""Employer programmes: the tables.

`DomainClaim`: an organisation proves it owns a work-email domain (a confirmation sent to an address
there). `JoinCode`: a programme's invitation code. `Enrolment`: how a person came into a programme's
group (a verified work email, the code, or the code as friends and family). `PickupPoint`: where the
group's orders are collected at work. `SponsorshipOffer`: an organisation offers to sponsor an
existing group; its coordinator accepts or declines. Nothing is deleted: rows end (`ended_at`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAYS = (
    ("mon", _("Monday")),
    ("tue", _("Tuesday")),
    ("wed", _("Wednesday")),
    ("thu", _("Thursday")),
    ("fri", _("Friday")),
    ("sat", _("Saturday")),
    ("sun", _("Sunday")),
)


class DomainClaim(models.Model):
    """An organisation's claim of a work-email domain (and its subdomains); one confirmed claim
    per domain across organisations."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="domain_claims"
    )
    domain = models.CharField(_("domain"), max_length=253)
    proof_email = models.EmailField(_("address the confirmation went to"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("domain", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["domain"],
                condition=Q(confirmed_at__isnull=False, ended_at__isnull=True),
                name="domain_claim_confirmed_once",
            ),
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")),
                name="domain_claim_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} ({self.organisation_id})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.ended_at is None


class JoinCode(models.Model):
    """A programme's invitation code: employees without a work address (or friends and family,
    if the programme allows them) join with it."""

    programme = models.OneToOneField(
        "organisations.Programme", on_delete=models.PROTECT, related_name="join_code"
    )
    code = models.CharField(max_length=32, unique=True)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"code of programme {self.programme_id}"


class Enrolment(models.Model):
    """A person in a programme: how they came in, and (for a work email) which address proved it.

    The address is kept to stop one work address enrolling several accounts; it is never shown to
    the organisation.
    """

    class Via(models.TextChoices):
        WORK_EMAIL = "work_email", _("Work email")
        CODE = "code", _("Invitation code")
        FRIENDS_FAMILY = "friends_family", _("Friends and family")

    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="enrolments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    via = models.CharField(max_length=14, choices=Via.choices)
    email = models.EmailField(blank=True)
    verified_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("programme", "verified_at", "pk")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="enrolment_once"),
            models.UniqueConstraint(
                fields=["programme", "email"],
                condition=~Q(email=""),
                name="enrolment_work_email_once",
            ),
            models.CheckConstraint(
                condition=Q(via__in=["work_email", "code", "friends_family"]),
                name="enrolment_via_known",
            ),
            models.CheckConstraint(
                condition=(Q(via="work_email") & ~Q(email=""))
                | (~Q(via="work_email") & Q(email="")),
                name="enrolment_email_iff_work_email",
            ),
        ]

    def __str__(self) -> str:
        return f"enrolment {self.pk} in programme {self.programme_id} ({self.via})"


class PickupPoint(models.Model):
    """Where a programme's orders are collected at work."""

    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="pickup_points"
    )
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=300)
    delivery_days = models.CharField(
        _("delivery days"), max_length=27, help_text=_("Weekdays, e.g. “mon,thu”.")
    )
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("programme", "name", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def day_codes(self) -> list[str]:
        return [d for d in self.delivery_days.split(",") if d]

    @property
    def day_names(self) -> list[str]:
        names = dict(WEEKDAYS)
        return [str(names[d]) for d in self.day_codes if d in names]


class SponsorshipOffer(models.Model):
    """An organisation offers to sponsor an existing group; a coordinator of it decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the group's coordinators")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="sponsorship_offers"
    )
    group = models.ForeignKey(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="sponsorship_offers"
    )
    name = models.CharField(_("programme name"), max_length=120)
    allows_friends_and_family = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-offered_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=Q(status="pending"), name="sponsorship_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} sponsors {self.group_id} ({self.status})"
