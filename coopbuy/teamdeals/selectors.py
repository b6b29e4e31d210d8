"""Reads of team deals: offers, a team's progress in buyers' words, my teams, an admin's figures.

Privacy: who is in a team is shown to that person only (`my_teams`); an organisation's admin gets
counts and totals per team (`teams_for_admin`), never names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.selectors import core_pledges, core_tiers
from coopbuy.core import campaign as core
from coopbuy.groups.models import Membership
from coopbuy.ledger.models import Account, Hold
from coopbuy.ledger.selectors import format_money
from coopbuy.organisations.models import Organisation
from coopbuy.teamdeals.models import BuyerPayment, Deal, DealSetup, Team, TeamSale

ACTIVE = Pledge.Status.ACTIVE


def offered_deals(organisation: Organisation, now: datetime | None = None) -> QuerySet[Deal]:
    now = now or timezone.now()
    return (
        organisation.deals.filter(ended_at__isnull=True, active_from__lte=now)
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=now))
        .prefetch_related("tiers")
        .order_by("title", "pk")
    )


def all_offered_deals(now: datetime | None = None) -> QuerySet[Deal]:
    now = now or timezone.now()
    return (
        Deal.objects.filter(ended_at__isnull=True, active_from__lte=now)
        .filter(Q(active_until__isnull=True) | Q(active_until__gt=now))
        .select_related("organisation")
        .prefetch_related("tiers")
        .order_by("organisation__name", "title", "pk")
    )


def open_teams(deal: Deal, now: datetime | None = None) -> QuerySet[Team]:
    """Teams one can still join: open, before their deadline, not full; closest to full first."""
    now = now or timezone.now()
    return (
        deal.teams.filter(campaign__status=Campaign.Status.OPEN, campaign__deadline__gt=now)
        .select_related("campaign")
        .annotate(members=Count("campaign__pledges", filter=Q(campaign__pledges__status=ACTIVE)))
        .filter(members__lt=max_size(deal))
        .order_by("-members", "campaign__deadline", "pk")
    )


def max_size(deal: Deal) -> int:
    return max((t.size for t in deal.tiers.all()), default=0)


def state_of(team: Team) -> str:
    """open, succeeded, expired or cancelled (the campaign's status in a buyer's words)."""
    return {
        Campaign.Status.OPEN: "open",
        Campaign.Status.TIPPED: "succeeded",
        Campaign.Status.FAILED: "expired",
    }.get(Campaign.Status(team.campaign.status), "cancelled")


@dataclass(frozen=True)
class TeamProgress:
    state: str
    members: int
    full_size: int
    price_now: Decimal | None  # what each pays if it ended now (None: not enough yet)
    next_price: Decimal | None
    more_for_next: int | None
    sentence: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.members / self.full_size)) if self.full_size else 0


def _buyers(count: int) -> str:
    return ngettext("%(n)s more buyer unlocks", "%(n)s more buyers unlock", count) % {"n": count}


def team_progress(team: Team) -> TeamProgress:
    """The figures behind “2 more buyers unlock £18 each”."""
    campaign = team.campaign
    currency = campaign.group.currency
    state = state_of(team)
    if state != "open":
        ended = [Pledge.Status.FILLED, Pledge.Status.RELEASED]
        members = campaign.pledges.filter(status__in=ended).count()
        filled = campaign.pledges.filter(status=Pledge.Status.FILLED).count()
        full_size = campaign.cap or 0
        if state == "succeeded":
            assert campaign.unit_price is not None
            sentence = _("The team succeeded: %(n)s buyers pay %(price)s each.") % {
                "n": filled, "price": format_money(campaign.unit_price, currency),
            }  # fmt: skip
        elif state == "expired":
            sentence = _("The team did not fill in time: nobody pays, every hold is released.")
        else:
            sentence = _("This team was cancelled: nobody pays.")
        return TeamProgress(state, members, full_size, campaign.unit_price, None, None, sentence)
    pledges = list(campaign.pledges.filter(status=ACTIVE).order_by("pk"))
    figures = core.progress(
        tiers=core_tiers(campaign), measure="participants", pledges=core_pledges(pledges)
    )
    full_size = campaign.cap or figures.minimum
    more: int | None = figures.more_to_next if figures.tipped else figures.more_to_tip
    price = figures.next_price
    if more is not None and price is not None:
        sentence = _("%(buyers)s %(price)s each.") % {
            "buyers": _buyers(more), "price": format_money(price, currency),
        }  # fmt: skip
        if figures.unit_price is not None:
            sentence += " " + _("If it ended now: %(price)s each.") % {
                "price": format_money(figures.unit_price, currency)
            }
    else:
        assert figures.unit_price is not None
        sentence = _("Team full: %(price)s each.") % {
            "price": format_money(figures.unit_price, currency)
        }
    return TeamProgress(state, len(pledges), full_size, figures.unit_price, price, more, sentence)


def member_of(team: Team, user: User) -> Pledge | None:
    if not user.is_authenticated:
        return None
    return Pledge.objects.filter(campaign_id=team.campaign_id, user=user).first()


def my_teams(user: User) -> QuerySet[Pledge]:
    """My places in teams, newest first (the pledge carries the team through its campaign)."""
    return (
        Pledge.objects.filter(user=user, campaign__team__isnull=False)
        .select_related("campaign", "campaign__team", "campaign__team__deal", "campaign__group")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class TeamFigures:
    team: Team
    state: str
    members: int
    total: Decimal  # charged (succeeded) or held now (open); 0 otherwise


def teams_for_admin(deal: Deal) -> list[TeamFigures]:
    """Each team's state, size and money total: counts and sums only, never who."""
    teams = (
        deal.teams.select_related("campaign")
        .annotate(
            active=Count("campaign__pledges", filter=Q(campaign__pledges__status=ACTIVE)),
            filled=Count(
                "campaign__pledges", filter=Q(campaign__pledges__status=Pledge.Status.FILLED)
            ),
            released=Count(
                "campaign__pledges", filter=Q(campaign__pledges__status=Pledge.Status.RELEASED)
            ),
            charged=Sum(
                "campaign__pledges__amount_due",
                filter=Q(campaign__pledges__status=Pledge.Status.FILLED),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    figures = []
    for team in teams:
        state = state_of(team)
        if state == "succeeded":
            figures.append(TeamFigures(team, state, team.filled, team.charged or Decimal("0.00")))
        elif state == "open":
            highest = max((t.unit_price for t in team.campaign.tiers.all()), default=Decimal(0))
            figures.append(TeamFigures(team, state, team.active, highest * team.active))
        else:
            figures.append(TeamFigures(team, state, team.released, Decimal("0.00")))
    return figures


@dataclass(frozen=True)
class BuyerBalance:
    """What one buyer of an organisation's deals owes it (the seller may see its own customers)."""

    membership_id: int
    name: str
    email: str
    payment_reference: str
    balance: Decimal  # their account in the customers' group: below zero, what they owe
    held: Decimal  # places held in open teams, not yet due

    @property
    def owes(self) -> Decimal:
        return max(-self.balance, Decimal("0.00"))

    @property
    def in_credit(self) -> Decimal:
        return max(self.balance, Decimal("0.00"))


@dataclass(frozen=True)
class MoneySummary:
    sold: Decimal  # every succeeded team's sale posted into the organisation's book
    received: Decimal  # buyers' payments recorded and not undone
    owed: Decimal  # what the customers' group owes the organisation now (sold - received)
    buyers: list[BuyerBalance]


def buyer_balances(organisation: Organisation) -> list[BuyerBalance]:
    """Every buyer with money outstanding, in credit or a place held; those owing most first."""
    setup = DealSetup.objects.filter(organisation=organisation).first()
    if setup is None:
        return []
    accounts = (
        Account.objects.filter(group_id=setup.group_id, kind=Account.Kind.MEMBER)
        .select_related("membership__user")
        .order_by("pk")
    )
    held = dict(
        Hold.objects.filter(account__in=accounts, released_at__isnull=True)
        .values_list("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    rows = [
        BuyerBalance(
            membership_id=a.membership_id or 0,
            name=a.membership.user.name if a.membership else a.name,
            email=a.membership.user.email if a.membership else "",
            payment_reference=a.payment_reference or "",
            balance=a.balance,
            held=held.get(a.pk) or Decimal("0.00"),
        )
        for a in accounts
    ]
    rows = [r for r in rows if r.balance or r.held]
    return sorted(rows, key=lambda r: (r.balance, r.name.lower(), r.membership_id))


def money_summary(organisation: Organisation) -> MoneySummary:
    sold = TeamSale.objects.filter(team__deal__organisation=organisation).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0.00")
    received = BuyerPayment.objects.filter(
        organisation=organisation, reversed_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return MoneySummary(sold, received, sold - received, buyer_balances(organisation))


def organisation_owed(organisation: Organisation) -> Decimal:
    """From the organisation's own book: what its customers' group owes it (its `between`)."""
    setup = DealSetup.objects.filter(organisation=organisation).first()
    if setup is None:
        return Decimal("0.00")
    account = Account.objects.filter(
        book__organisation=organisation, counterparty__group_id=setup.group_id
    ).first()
    return -account.balance if account is not None else Decimal("0.00")


def payments_of(organisation: Organisation) -> QuerySet[BuyerPayment]:
    return BuyerPayment.objects.filter(organisation=organisation).select_related(
        "membership__user", "created_by"
    )


def buyer_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """The customers' group's members (not its operator), for the payment form."""
    setup = DealSetup.objects.filter(organisation=organisation).first()
    if setup is None:
        return []
    members = (
        Membership.objects.active()
        .filter(group_id=setup.group_id)
        .exclude(user_id=setup.operator_id)
        .select_related("user")
        .order_by("user__display_name", "user__email", "pk")
    )
    return [(m.pk, f"{m.user.name} ({m.user.email})") for m in members]


@dataclass(frozen=True)
class MySellerBalance:
    """What I owe (or have in credit with) one organisation whose team deals I joined."""

    organisation: Organisation
    balance: Decimal  # below zero: what I owe it
    payment_reference: str

    @property
    def owes(self) -> Decimal:
        return max(-self.balance, Decimal("0.00"))


def my_seller_balances(user: User) -> list[MySellerBalance]:
    """My accounts in the customers' groups of the organisations I bought from, if not zero."""
    accounts = (
        Account.objects.filter(
            kind=Account.Kind.MEMBER,
            membership__user=user,
            group__deal_setup__isnull=False,
        )
        .exclude(balance=0)
        .select_related("group__deal_setup__organisation")
        .order_by("group__deal_setup__organisation__name", "pk")
    )
    return [
        MySellerBalance(
            organisation=a.group.deal_setup.organisation,  # type: ignore[union-attr]
            balance=a.balance,
            payment_reference=a.payment_reference or "",
        )
        for a in accounts
    ]
