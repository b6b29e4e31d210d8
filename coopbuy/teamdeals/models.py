"""Team deals: an organisation's offer (a solo price and team prices) and the teams buyers start.

A team *is* a campaign (`Team.campaign`, one-to-one): its members are the campaign's pledges, its
tipping point the smallest team size, its cap the largest, its deadline the deal's window from the
start. Success and expiry are the campaign's settle-once logic (`campaigns.services`); the money is
held and charged as every campaign does, in the organisation's customers' group (`DealSetup`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DealSetup(models.Model):
    """What an organisation's team deals run on, opened with its first deal: a private buying
    group for its customers (their holds and charges live in that group's book), its supplier row
    in it (who the group owes), and the service account that coordinates it, so that no person,
    an organisation's admin included, sees who bought."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="deal_setup"
    )
    group = models.OneToOneField(
        "groups.BuyingGroup", on_delete=models.PROTECT, related_name="deal_setup"
    )
    supplier = models.OneToOneField(
        "catalog.Supplier", on_delete=models.PROTECT, related_name="deal_setup"
    )
    operator = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deal_setup"
    )

    def __str__(self) -> str:
        return f"Team deals of {self.organisation_id}"


class Deal(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="deals"
    )
    title = models.CharField(_("product"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    unit = models.CharField(_("unit"), max_length=40, default="box")
    solo_price = models.DecimalField(_("solo price"), max_digits=10, decimal_places=2)
    window_hours = models.PositiveSmallIntegerField(_("hours a team has to fill"))
    stock = models.PositiveIntegerField(_("most sold over all teams"), null=True, blank=True)
    active_from = models.DateTimeField(_("offered from"))
    active_until = models.DateTimeField(_("offered until"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("organisation", "-active_from", "pk")
        constraints = [
            models.CheckConstraint(condition=Q(solo_price__gt=0), name="deal_solo_price_positive"),
            models.CheckConstraint(
                condition=Q(window_hours__gte=1) & Q(window_hours__lte=336),
                name="deal_window_1_to_336_hours",
            ),
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=1), name="deal_stock_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DealTier(models.Model):
    """A team of `size` buyers pays `unit_price` each."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="tiers")
    size = models.PositiveIntegerField(_("team size"))
    unit_price = models.DecimalField(_("price each"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("deal", "size")
        constraints = [
            models.UniqueConstraint(fields=["deal", "size"], name="deal_tier_size_unique"),
            models.CheckConstraint(condition=Q(size__gte=2), name="deal_tier_size_at_least_2"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="deal_tier_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.size}: {self.unit_price}"


class Team(models.Model):
    """One team: a thin row beside its campaign, which holds everything that counts."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="teams")
    campaign = models.OneToOneField(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="team"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"Team {self.campaign_id} of {self.deal_id}"


class TeamSale(models.Model):
    """A succeeded team's sale, posted into the organisation's book once (see `money`).

    One `Transfer` from the customers' group's book to the organisation's, a posting in each:
    the group's debt to the organisation as its supplier becomes a debt between the two books,
    and the organisation's book counts the sale (what its customers owe it).
    """

    team = models.OneToOneField(Team, on_delete=models.PROTECT, related_name="sale")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    buyers = models.PositiveIntegerField()
    transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    group_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    organisation_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="team_sale_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} for team {self.team_id}"


class BuyerPayment(models.Model):
    """A buyer's payment to the organisation, recorded by one of its admins (see `money`).

    Never edited: undoing it (`reversed_at`) posts the exact counter-postings in both books.
    """

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="buyer_payments"
    )
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="buyer_payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("paid by"), max_length=4, choices=Method.choices)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    key = models.CharField(max_length=80)
    transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    group_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    organisation_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key"], name="buyer_payment_key_once_per_organisation"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="buyer_payment_positive"),
            models.CheckConstraint(
                condition=Q(method__in=["bank", "cash"]), name="buyer_payment_method_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} from membership {self.membership_id}"
