"""Buying groups, who belongs to them in which role, and how people get in."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BuyingGroup(models.Model):
    """People who order together: a household club, a community group, a workplace."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: listed, anyone can see the group page")
        PRIVATE = "private", _("Private: only members can see it")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone can join")
        APPROVAL = "approval", _("By approval: a coordinator accepts each request")
        INVITATION = "invitation", _("Invitation only")

    class Currency(models.TextChoices):
        GBP = "GBP", "GBP (£)"
        EUR = "EUR", "EUR (€)"
        USD = "USD", "USD ($)"

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("town or area"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.GBP
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("how people join"),
        max_length=12,
        choices=JoinPolicy.choices,
        default=JoinPolicy.APPROVAL,
    )
    # False: only the coordinators see who the members are (a shop's customers' group, whose
    # buyers must not see one another); the members still see the group and its coordinators.
    members_listed_to_members = models.BooleanField(_("members see the member list"), default=True)
    # Where suppliers deliver and whom they ask: printed on the purchase order (all optional).
    delivery_address = models.TextField(_("delivery address"), blank=True, max_length=300)
    delivery_postcode = models.CharField(_("delivery postcode"), max_length=12, blank=True)
    delivery_contact_name = models.CharField(_("delivery contact"), max_length=120, blank=True)
    delivery_contact_phone = models.CharField(
        _("delivery contact's phone"), max_length=24, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("name",)
        # The directory's bounding box (groups/directory.py) narrows by these before distances.
        indexes = [models.Index(fields=["latitude", "longitude"], name="group_location")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="group_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["public", "private"]), name="group_visibility_known"
            ),
            models.CheckConstraint(
                condition=Q(join_policy__in=["open", "approval", "invitation"]),
                name="group_join_policy_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        """Memberships that have not ended: everyone who is in the group now."""
        return self.filter(ended_at__isnull=True)

    def ended(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=False)


class Membership(models.Model):
    """A person's place in one group. Roles differ per group.

    A membership ends (`ended_at`), it is never deleted: its orders, charges and ledger account are
    history that must stay. Rejoining the group reactivates the same row (and the same account).
    Whatever asks "is this person a member" or lists members uses `Membership.objects.active()`.
    """

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Member")

    class EndReason(models.TextChoices):
        LEFT = "left", _("Left the group")
        REMOVED = "removed", _("Removed by a coordinator")

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.CharField(
        _("why it ended"), max_length=10, choices=EndReason.choices, blank=True
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ("group", "joined_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once_per_group"),
            models.CheckConstraint(
                condition=Q(role__in=["coordinator", "treasurer", "member"]),
                name="membership_role_known",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, end_reason="")
                | Q(ended_at__isnull=False, end_reason__in=["left", "removed"]),
                name="membership_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Invitation(models.Model):
    """A way in: sent to one email address, or a shareable link that several people may use."""

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=43, unique=True)
    email = models.EmailField(_("email address"), blank=True)
    role = models.CharField(
        _("role on joining"),
        max_length=12,
        choices=Membership.Role.choices,
        default=Membership.Role.MEMBER,
    )
    max_uses = models.PositiveIntegerField(_("how many people may use it"), null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(use_count__lte=models.F("max_uses")),
                name="invitation_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.group} ({self.email or 'link'})"

    @property
    def is_link(self) -> bool:
        return not self.email

    def state(self, now: datetime | None = None) -> str:
        """'revoked', 'expired', 'used up' or 'active': what a coordinator sees in the list."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.max_uses is not None and self.use_count >= self.max_uses:
            return "used up"
        return "active"


class JoinRequest(models.Model):
    """Someone asks to join a group whose policy is 'by approval'."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    group = models.ForeignKey(BuyingGroup, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message to the coordinators"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="pending"),
                name="join_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.group} ({self.status})"
