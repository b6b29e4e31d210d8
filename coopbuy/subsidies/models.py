"""Subsidies and payroll: the tables.

The money itself is on the ledger (the organisation's book and the group's); these rows say why
it moved: which rule paid whom in which round (for the monthly caps), and which employees agreed
to pay from their salary, and what each payroll run collected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubsidyRule(models.Model):
    """What an organisation pays towards its employees' round charges (see core/subsidy.py)."""

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("The employer pays the delivery fee")
        GOODS_PERCENT = "goods_percent", _("A percentage of the goods")

    class WhenDry(models.TextChoices):
        PARTIAL = "partial", _("Pay what is left, shared pro rata")
        NOTHING = "nothing", _("Pay nothing in that round")

    class Covers(models.TextChoices):
        EMPLOYEES = "employees", _("Employees only")
        EVERYONE = "everyone", _("Employees, friends and family")

    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="subsidy_rules"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    percent = models.DecimalField(
        _("percentage of goods"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    monthly_cap = models.DecimalField(
        _("at most per employee per calendar month"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    when_dry = models.CharField(
        _("when the fund runs dry"), max_length=8, choices=WhenDry.choices, default="partial"
    )
    # Whom it pays: employees only (everyone not enrolled as friends and family), or everyone.
    covers = models.CharField(
        _("who it covers"), max_length=9, choices=Covers.choices, default="employees"
    )
    active_from = models.DateField(_("active from"))
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("programme", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["delivery", "goods_percent"]), name="subsidy_rule_kind_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="delivery") & Q(percent__isnull=True))
                | (Q(kind="goods_percent") & Q(percent__gt=0) & Q(percent__lte=100)),
                name="subsidy_rule_percent_in_range",
            ),
            models.CheckConstraint(
                condition=Q(monthly_cap__isnull=True) | Q(monthly_cap__gte=0),
                name="subsidy_rule_cap_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(when_dry__in=["partial", "nothing"]),
                name="subsidy_rule_when_dry_known",
            ),
            models.CheckConstraint(
                condition=Q(covers__in=["employees", "everyone"]),
                name="subsidy_rule_covers_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.programme_id})"


class RoundSubsidy(models.Model):
    """What a programme paid towards one round: one transfer, a posting in each book.

    `reversed_at`: undone (both postings reversed); its lines then count against no cap.
    """

    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="round_subsidies"
    )
    month = models.DateField()  # the first day of the calendar month it counts in
    total = models.DecimalField(max_digits=12, decimal_places=2)
    members = models.PositiveIntegerField(default=0)
    transfer = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    organisation_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    group_posting = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-month", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "programme"], name="round_subsidy_once_per_round"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="round_subsidy_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.total} for round {self.round_id}"


class SubsidyAdjustment(models.Model):
    """A round's subsidy worked out again after a receiving session (`subsidies.receiving`).

    `total` is the difference posted (below zero: the subsidy shrank and the money went back to
    the fund); its lines (`SubsidyLine.adjustment`) say what changed for whom under which rule.
    A difference that only moves money between members (a fund shared pro rata) has no transfer
    and no posting in the organisation's book; one that only moves between one member's rules,
    no posting at all. `key` names the receiving session: once each.
    """

    subsidy = models.ForeignKey(RoundSubsidy, on_delete=models.PROTECT, related_name="adjustments")
    key = models.CharField(max_length=120)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_posting = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group_posting = models.OneToOneField(  # None: only moved between one member's rules
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("subsidy", "pk")
        constraints = [
            models.UniqueConstraint(fields=["subsidy", "key"], name="subsidy_adjustment_once"),
            models.CheckConstraint(
                condition=(
                    Q(total=0) & Q(transfer__isnull=True) & Q(organisation_posting__isnull=True)
                )
                | (~Q(total=0) & Q(transfer__isnull=False) & Q(organisation_posting__isnull=False)),
                name="subsidy_adjustment_transfer_iff_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.total} on round subsidy {self.subsidy_id}"


class SubsidyLine(models.Model):
    """What one rule paid one member in one round (the monthly caps read these).

    A line of the close has no `adjustment` and a positive amount; a line of an adjustment says
    what changed (never zero; below zero: the member gets less). A member's subsidy from a rule
    in a round is the sum of its lines.
    """

    subsidy = models.ForeignKey(RoundSubsidy, on_delete=models.PROTECT, related_name="lines")
    adjustment = models.ForeignKey(
        SubsidyAdjustment, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    rule = models.ForeignKey(SubsidyRule, on_delete=models.PROTECT, related_name="lines")
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="subsidy_lines"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("subsidy", "adjustment", "rule", "membership")
        constraints = [
            models.UniqueConstraint(
                fields=["subsidy", "rule", "membership"],
                condition=Q(adjustment__isnull=True),
                name="subsidy_line_once",
            ),
            models.UniqueConstraint(
                fields=["adjustment", "rule", "membership"],
                condition=Q(adjustment__isnull=False),
                name="subsidy_adjustment_line_once",
            ),
            models.CheckConstraint(
                condition=(Q(adjustment__isnull=True) & Q(amount__gt=0))
                | (Q(adjustment__isnull=False) & ~Q(amount=0)),
                name="subsidy_line_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to {self.membership_id}"


class PayrollConsent(models.Model):
    """An employee's agreement to pay what they owe the group from their salary.

    Never changed but to record its revocation (`revoked_at`): a new consent is a new row, so the
    history stays. `wording` is exactly what the employee was shown and agreed to.
    """

    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="payroll_consents"
    )
    membership = models.ForeignKey(
        "groups.Membership", on_delete=models.PROTECT, related_name="payroll_consents"
    )
    employee_reference = models.CharField(_("payroll number"), max_length=40)
    wording = models.TextField()
    given_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("membership", "-given_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(revoked_at__isnull=True),
                name="payroll_consent_once_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} ({self.employee_reference})"


class PayrollRun(models.Model):
    """One month's payroll deductions, paid by the organisation into the group's book."""

    programme = models.ForeignKey(
        "organisations.Programme", on_delete=models.PROTECT, related_name="payroll_runs"
    )
    month = models.DateField()  # the first day of the month
    total = models.DecimalField(max_digits=12, decimal_places=2)
    transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("-month", "-pk")
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="payroll_run_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m}"


class PayrollLine(models.Model):
    """One employee's deduction in a payroll run."""

    run = models.ForeignKey(PayrollRun, on_delete=models.PROTECT, related_name="lines")
    consent = models.ForeignKey(PayrollConsent, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("groups.Membership", on_delete=models.PROTECT, related_name="+")
    employee_reference = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ("run", "employee_reference", "pk")
        constraints = [
            models.UniqueConstraint(fields=["run", "membership"], name="payroll_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payroll_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_reference}: {self.amount}"
