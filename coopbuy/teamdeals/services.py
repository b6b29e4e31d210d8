"""Every write to team deals: an organisation's offers, and the teams buyers start, join and leave.

A team is a campaign (see `models`): starting one opens a campaign in the organisation's customers'
group and pledges the starter; joining and leaving are the campaign's pledge and withdrawal (the
hold set and released as for any campaign); the team ends through `campaign_settle`, at its
deadline (the campaign's own task) or at once when the last place is taken (`when_full`).

Locks, in ADR 0005's order: the organisation's row (opening its setup), the deal's row (the stock
over all its teams, one writer at a time), the customers' group (joining it), the campaign's row,
then the ledger's accounts (through the campaign's services).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.campaigns.services import (
    TierInput,
    campaign_create,
    campaign_settle,
    pledge_set,
    pledge_withdraw,
)
from coopbuy.catalog.services import supplier_create
from coopbuy.groups.memberships import group_join
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.services import group_create
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.permissions import require_admin
from coopbuy.teamdeals.errors import DealError
from coopbuy.teamdeals.models import Deal, DealSetup, DealTier, Team

MAX_PRICE = Decimal("99999.99")
OWNER = "teamdeals"  # the campaigns that are teams take pledges only through this area
TAKEN = (Pledge.Status.ACTIVE, Pledge.Status.FILLED)


@dataclass(frozen=True)
class TeamTier:
    size: int
    unit_price: Decimal


@dataclass(frozen=True)
class DealInput:
    title: str
    solo_price: Decimal
    tiers: list[TeamTier]
    window_hours: int
    description: str = ""
    unit: str = "box"
    stock: int | None = None
    active_from: datetime | None = None  # None: now
    active_until: datetime | None = None


def _money(value: Decimal, field: str) -> Decimal:
    if value.is_nan() or value <= 0 or value > MAX_PRICE:
        raise DealError(_("Give a price above 0 and at most 99,999.99."), field=field)
    if value != value.quantize(Decimal("0.01")):
        raise DealError(_("Give the price in pounds and pence (2 decimal places)."), field=field)
    return value


def _checked(data: DealInput, now: datetime) -> DealInput:
    """The offer's rules, each refusal naming its field; bad input changes nothing."""
    title = data.title.strip()
    if not title:
        raise DealError(_("Name the product buyers will get."), field="title")
    solo = _money(data.solo_price, "solo_price")
    if not data.tiers:
        raise DealError(_("Give at least one team size and its price each."), field="tiers")
    tiers = sorted(data.tiers, key=lambda t: t.size)
    for index, tier in enumerate(tiers):
        if tier.size < 2:
            raise DealError(_("A team has at least 2 buyers."), field="tiers")
        if tier.size > 100:
            raise DealError(_("A team has at most 100 buyers."), field="tiers")
        _money(tier.unit_price, "tiers")
        if index and tier.size == tiers[index - 1].size:
            raise DealError(
                _("Each team size once: %(size)s is given twice.") % {"size": tier.size},
                field="tiers",
            )
        before = tiers[index - 1].unit_price if index else solo
        if tier.unit_price >= before:
            raise DealError(
                _("A bigger team must pay less each: %(size)s buyers at %(price)s is not below "
                  "%(before)s.")
                % {"size": tier.size, "price": tier.unit_price, "before": before},
                field="tiers",
            )  # fmt: skip
    if not 1 <= data.window_hours <= 336:
        raise DealError(_("Give a team 1 to 336 hours (two weeks) to fill."), field="window_hours")
    if data.stock is not None and data.stock < tiers[0].size:
        raise DealError(
            _("The stock must cover at least one team of %(size)s, or leave it empty.")
            % {"size": tiers[0].size},
            field="stock",
        )
    start = data.active_from or now
    for value, field in ((start, "active_from"), (data.active_until, "active_until")):
        if value is not None and timezone.is_naive(value):
            raise DealError(_("Give the time with a time zone."), field=field)
    start = start.astimezone(UTC)
    until = data.active_until.astimezone(UTC) if data.active_until is not None else None
    if until is not None and until <= max(start, now):
        raise DealError(
            _("The offer must end after it starts, in the future."), field="active_until"
        )
    return DealInput(
        title=title[:120],
        solo_price=solo,
        tiers=tiers,
        window_hours=data.window_hours,
        description=data.description.strip()[:4000],
        unit=data.unit.strip()[:40] or "box",
        stock=data.stock,
        active_from=start,
        active_until=until,
    )


def _setup(organisation: Organisation) -> DealSetup:
    """The organisation's customers' group, its supplier row and operator: opened once."""
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
    setup = DealSetup.objects.filter(organisation=organisation).first()
    if setup is not None:
        return setup
    operator = User.objects.create_user(
        f"team-deals+{organisation.pk}@operator.invalid",
        None,
        display_name=_("%(name)s team deals") % {"name": organisation.name},
    )
    group = group_create(
        creator=operator,
        name=_("%(name)s customers") % {"name": organisation.name},
        slug=f"team-deals-{organisation.pk}",
        description=_("Buyers in team deals of %(name)s.") % {"name": organisation.name},
        visibility=BuyingGroup.Visibility.PRIVATE,
        join_policy=BuyingGroup.JoinPolicy.OPEN,
        members_listed_to_members=False,  # buyers must not see one another; its operator does
    )
    supplier = supplier_create(group=group, actor=operator, name=organisation.name[:120])
    return DealSetup.objects.create(
        organisation=organisation, group=group, supplier=supplier, operator=operator
    )


@transaction.atomic
def deal_create(*, organisation: Organisation, actor: User, data: DealInput) -> Deal:
    """An organisation's admin offers a product at a solo price and team prices."""
    require_admin(organisation=organisation, user=actor)
    data = _checked(data, timezone.now())
    _setup(organisation)
    assert data.active_from is not None
    deal = Deal.objects.create(
        organisation=organisation,
        title=data.title,
        description=data.description,
        unit=data.unit,
        solo_price=data.solo_price,
        window_hours=data.window_hours,
        stock=data.stock,
        active_from=data.active_from,
        active_until=data.active_until,
        created_by=actor,
    )
    DealTier.objects.bulk_create(
        DealTier(deal=deal, size=t.size, unit_price=t.unit_price) for t in data.tiers
    )
    audit_record(
        action="teamdeals.deal_created",
        summary=_("%(actor)s offered the team deal %(title)s")
        % {"actor": actor.name, "title": data.title},
        actor=actor,
        data={"organisation": organisation.pk, "deal": deal.pk},
    )
    return deal


def _lock_deal(deal: Deal) -> Deal:
    return (
        Deal.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation")
        .get(pk=deal.pk)
    )


@transaction.atomic
def deal_update(*, deal: Deal, actor: User, data: DealInput) -> Deal:
    """Change the offer; teams already started keep the prices they started with."""
    require_admin(organisation=deal.organisation, user=actor)
    deal = _lock_deal(deal)
    if deal.ended_at is not None:
        raise DealError(_("This offer has ended and can no longer change."))
    data = _checked(data, timezone.now())
    deal.title, deal.description, deal.unit = data.title, data.description, data.unit
    deal.solo_price, deal.window_hours, deal.stock = data.solo_price, data.window_hours, data.stock
    assert data.active_from is not None
    deal.active_from, deal.active_until = data.active_from, data.active_until
    deal.save()
    deal.tiers.all().delete()
    DealTier.objects.bulk_create(
        DealTier(deal=deal, size=t.size, unit_price=t.unit_price) for t in data.tiers
    )
    audit_record(
        action="teamdeals.deal_updated",
        summary=_("%(actor)s changed the team deal %(title)s")
        % {"actor": actor.name, "title": deal.title},
        actor=actor,
        data={"organisation": deal.organisation_id, "deal": deal.pk},
    )
    return deal


@transaction.atomic
def deal_end(*, deal: Deal, actor: User) -> Deal:
    """Stop offering the deal: no new teams; teams already started run to their deadline."""
    require_admin(organisation=deal.organisation, user=actor)
    deal = _lock_deal(deal)
    if deal.ended_at is not None:
        return deal
    deal.ended_at = timezone.now()
    deal.save(update_fields=["ended_at"])
    audit_record(
        action="teamdeals.deal_ended",
        summary=_("%(actor)s ended the team deal %(title)s")
        % {"actor": actor.name, "title": deal.title},
        actor=actor,
        data={"organisation": deal.organisation_id, "deal": deal.pk},
    )
    return deal


def is_offered(deal: Deal, now: datetime) -> bool:
    return (
        deal.ended_at is None
        and deal.active_from <= now
        and (deal.active_until is None or now < deal.active_until)
    )


def _check_buyer(deal: Deal, user: User, now: datetime) -> None:
    """Stock over all teams, and one open team per buyer per deal (judged under the deal lock)."""
    taken = Pledge.objects.filter(campaign__team__deal=deal, status__in=TAKEN)
    if deal.stock is not None and taken.count() >= deal.stock:
        raise DealError(_("This deal has sold out."))
    if taken.filter(
        user=user, status=Pledge.Status.ACTIVE, campaign__status=Campaign.Status.OPEN
    ).exists():
        raise DealError(_("You are already in an open team for this deal."))


def _as_customer(setup: DealSetup, user: User) -> None:
    """The buyer joins the customers' group (once) so that the team price is held on a balance."""
    if not Membership.objects.active().filter(group=setup.group, user=user).exists():
        group_join(group=setup.group, user=user)


@transaction.atomic
def team_start(*, deal: Deal, user: User, now: datetime | None = None) -> Team:
    """A buyer starts a team: a campaign for the deal's window, with the buyer's place held."""
    now = now or timezone.now()
    deal = _lock_deal(deal)
    if not is_offered(deal, now):
        raise DealError(_("This deal is not on offer now."))
    _check_buyer(deal, user, now)
    setup = DealSetup.objects.select_related("group", "supplier", "operator").get(
        organisation_id=deal.organisation_id
    )
    _as_customer(setup, user)
    tiers = list(deal.tiers.all())
    campaign = campaign_create(
        group=setup.group,
        actor=setup.operator,
        title=deal.title,
        description=deal.description,
        supplier=setup.supplier,
        unit=deal.unit,
        measure=Campaign.Measure.PARTICIPANTS,
        tiers=[TierInput(t.size, t.unit_price) for t in tiers],
        deadline=now + timedelta(hours=deal.window_hours),
        cap=tiers[-1].size,
        max_per_person=1,
        owner=OWNER,
    )
    team = Team.objects.create(deal=deal, campaign=campaign, started_by=user)
    pledge_set(campaign=campaign, user=user, quantity=1, now=now, owner=OWNER)
    audit_record(
        action="teamdeals.team_started",
        summary=_("A team was started for %(title)s") % {"title": deal.title},
        actor=user,
        data={"deal": deal.pk, "team": team.pk, "campaign": campaign.pk},
    )
    return team


@dataclass(frozen=True)
class JoinResult:
    pledge: Pledge
    filled: bool  # this join took the last place and the team succeeded


@transaction.atomic
def team_join(*, team: Team, user: User, now: datetime | None = None) -> JoinResult:
    """Join a team through its link; taking the last place ends it at once at the best price."""
    now = now or timezone.now()
    deal = _lock_deal(team.deal)
    setup = DealSetup.objects.select_related("group").get(organisation_id=deal.organisation_id)
    _as_customer(setup, user)  # the group's lock before the campaign's (a refusal undoes it)
    campaign = Campaign.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=team.campaign_id
    )
    if not campaign.is_open or now >= campaign.deadline:
        raise DealError(_("This team has ended: start a new one."))
    members = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.ACTIVE)
    if members.filter(user=user).exists():
        raise DealError(_("You are already in this team."))
    if campaign.cap is not None and members.count() >= campaign.cap:
        raise DealError(_("This team is full: start a new one."))
    _check_buyer(deal, user, now)
    pledge = pledge_set(campaign=campaign, user=user, quantity=1, now=now, owner=OWNER)
    audit_record(
        action="teamdeals.team_joined",
        summary=_("A buyer joined a team for %(title)s") % {"title": deal.title},
        actor=user,
        data={"deal": deal.pk, "team": team.pk},
    )
    ended = campaign_settle(campaign=campaign, now=now, when_full=True).ended_now
    pledge.refresh_from_db()
    return JoinResult(pledge, ended)


@transaction.atomic
def team_leave(*, team: Team, user: User, now: datetime | None = None) -> Pledge:
    """Leave a team before it ends: the held amount is free again at once."""
    pledge = Pledge.objects.filter(campaign_id=team.campaign_id, user=user).first()
    if pledge is None or pledge.status != Pledge.Status.ACTIVE:
        raise DealError(_("You are not in this team."))
    pledge = pledge_withdraw(pledge=pledge, user=user, now=now, owner=OWNER)
    audit_record(
        action="teamdeals.team_left",
        summary=_("A buyer left a team for %(title)s") % {"title": team.deal.title},
        actor=user,
        data={"deal": team.deal_id, "team": team.pk},
    )
    return pledge
