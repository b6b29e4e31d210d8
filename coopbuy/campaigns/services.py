"""Every write to campaigns: start one, pledge (or change, or withdraw), and end it exactly once.

Locks: a pledge locks the campaign's row first (so the cap and the deadline are judged by one
writer at a time, and 50 people pledging the last units at once cannot exceed the cap), then the
member's ledger account (through `ledger.holds`), the order every ledger writer uses. Ending the
campaign (`campaign_settle`, by the deadline task, the sweep, or a coordinator cancelling) takes
the same campaign lock and returns at once when the campaign is no longer open: it happens once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.campaigns import emails
from coopbuy.campaigns.deadline import schedule_settle
from coopbuy.campaigns.errors import CampaignError
from coopbuy.campaigns.extensions import settle_steps
from coopbuy.campaigns.models import Campaign, CampaignTier, Pledge
from coopbuy.campaigns.selectors import (
    core_pledges,
    core_tiers,
    measure_of,
    pledged_units,
    worst_case,
)
from coopbuy.catalog.models import Supplier
from coopbuy.core import campaign as core
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.ledger.holds import hold_release, hold_set
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.services import (
    LedgerError,
    member_account,
    post,
    supplier_account,
)
from coopbuy.ledger.sources import Source, SourceKind
from coopbuy.outbox.services import outbox_enqueue_many

HOLD_KIND = "campaign_pledge"
MAX_PRICE = Decimal("99999.99")


@dataclass(frozen=True)
class TierInput:
    threshold: int
    unit_price: Decimal


def _rule_error(error: core.CampaignRuleError) -> CampaignError:
    field, _sep, message = str(error).partition(": ")
    return CampaignError(message[:1].upper() + message[1:] + ".", field=field.split("[")[0])


@transaction.atomic
def campaign_create(
    *,
    group: BuyingGroup,
    actor: User,
    title: str,
    supplier: Supplier,
    tiers: list[TierInput],
    deadline: datetime,
    measure: str = Campaign.Measure.PARTICIPANTS,
    unit: str = "unit",
    description: str = "",
    cap: int | None = None,
    max_per_person: int = 20,
    owner: str = "",
) -> Campaign:
    """A coordinator starts a campaign for one product of one of the group's suppliers."""
    require_coordinator(group=group, user=actor)
    title = title.strip()
    if not title:
        raise CampaignError(_("Give the campaign a title people will recognise."), field="title")
    if supplier.group_id != group.pk or not supplier.is_active:
        raise CampaignError(_("Choose one of the group's own active suppliers."), field="supplier")
    if measure not in Campaign.Measure.values:
        raise CampaignError(_("Count households or units."), field="measure")
    if timezone.is_naive(deadline):
        raise CampaignError(_("Give the deadline with a time zone."), field="deadline")
    deadline = deadline.astimezone(UTC)  # an offset beyond ±15:59 is more than PostgreSQL stores
    if deadline <= timezone.now():
        raise CampaignError(_("The deadline must be in the future."), field="deadline")
    if cap is not None and cap < 1:
        raise CampaignError(_("A cap must be at least 1 unit, or leave it empty."), field="cap")
    if not 1 <= max_per_person <= 10_000:
        raise CampaignError(_("Allow 1 to 10,000 units per person."), field="max_per_person")
    ordered = sorted(tiers, key=lambda t: t.threshold)
    if any(t.unit_price > MAX_PRICE for t in ordered):
        raise CampaignError(_("A price can be at most 99,999.99."), field="tiers")
    try:
        core.validate_tiers([core.Tier(t.threshold, t.unit_price) for t in ordered])
    except core.CampaignRuleError as error:
        raise _rule_error(error) from None
    if cap is not None and measure == Campaign.Measure.UNITS and cap < ordered[0].threshold:
        raise CampaignError(
            _("The cap is below the minimum: the campaign could never go ahead."), field="cap"
        )
    campaign = Campaign.objects.create(
        group=group,
        supplier=supplier,
        title=title[:120],
        description=description.strip(),
        unit=unit.strip()[:40] or "unit",
        measure=measure,
        cap=cap,
        max_per_person=max_per_person,
        deadline=deadline,
        created_by=actor,
        owner=owner[:30],
    )
    CampaignTier.objects.bulk_create(
        CampaignTier(campaign=campaign, threshold=t.threshold, unit_price=t.unit_price)
        for t in ordered
    )
    audit_record(
        action="campaign.created",
        summary=_("%(actor)s started the campaign %(title)s")
        % {"actor": actor.name, "title": title},
        actor=actor,
        group=group,
        data={"campaign": campaign.pk},
    )
    schedule_settle(campaign)
    return campaign


def _lock(campaign: Campaign) -> Campaign:
    return (
        Campaign.objects.select_for_update(no_key=True, of=("self",))
        .select_related("group")
        .get(pk=campaign.pk)
    )


def _check_owner(campaign: Campaign, owner: str) -> None:
    if campaign.owner != owner:
        raise CampaignError(_("Join this through its own page, not as a campaign."))


def _membership(campaign: Campaign, user: User) -> Membership | None:
    return Membership.objects.filter(group=campaign.group, user=user).first()


@transaction.atomic
def pledge_set(
    *,
    campaign: Campaign,
    user: User,
    quantity: int,
    max_price: Decimal | None = None,
    referral_code: str = "",
    now: datetime | None = None,
    owner: str = "",
) -> Pledge:
    """Pledge, or change my pledge (one per person: a second pledge merges into the first).

    A member of the campaign's group holds the most it can cost on their balance; anyone else
    records a promise to pay. The cap counts every active pledge, and is judged under the lock.
    """
    campaign = _lock(campaign)
    _check_owner(campaign, owner)
    now = now or timezone.now()
    if not campaign.is_open or now >= campaign.deadline:
        raise CampaignError(_("This campaign is closed for pledges."))
    if not 1 <= quantity <= campaign.max_per_person:
        raise CampaignError(
            _("Pledge 1 to %(most)s %(unit)s.")
            % {"most": campaign.max_per_person, "unit": campaign.unit},
            field="quantity",
        )
    if max_price is not None and not Decimal(0) <= max_price <= MAX_PRICE:
        raise CampaignError(_("A price limit cannot be below zero."), field="max_price")
    pledge = Pledge.objects.filter(campaign=campaign, user=user).first()
    before = pledge.quantity if pledge is not None and pledge.status == Pledge.Status.ACTIVE else 0
    if not core.fits_cap(
        cap=campaign.cap, pledged_units=pledged_units(campaign), change=quantity - before
    ):
        left = max((campaign.cap or 0) - pledged_units(campaign) + before, 0)
        raise CampaignError(
            _("Only %(left)s %(unit)s are left under this campaign's cap.")
            % {"left": left, "unit": campaign.unit},
            field="quantity",
        )
    membership = _membership(campaign, user)
    payment = Pledge.Payment.HOLD if membership is not None else Pledge.Payment.PROMISE
    referred_by = None
    if referral_code:
        referred_by = (
            Pledge.objects.filter(campaign=campaign, share_code=referral_code)
            .exclude(user=user)
            .first()
        )
    if pledge is None:
        pledge = Pledge.objects.create(
            campaign=campaign,
            user=user,
            quantity=quantity,
            max_price=max_price,
            payment=payment,
            referred_by=referred_by,
        )
        created = True
    else:
        pledge.quantity, pledge.max_price, pledge.payment = quantity, max_price, payment
        pledge.status = Pledge.Status.ACTIVE
        if pledge.referred_by_id is None and referred_by is not None:
            pledge.referred_by = referred_by
        pledge.save()
        created = False
    if membership is not None:
        try:
            hold_set(
                account=member_account(membership),
                amount=worst_case(campaign, quantity, max_price),
                reason=_("Pledge: %(title)s") % {"title": campaign.title},
                source_kind=HOLD_KIND,
                source_id=pledge.pk,
            )
        except LedgerError as error:
            raise CampaignError(error.message, field="quantity") from None
    else:
        hold_release(source_kind=HOLD_KIND, source_id=pledge.pk)
    audit_record(
        action="campaign.pledged" if created else "campaign.pledge_changed",
        summary=_("%(user)s pledged %(quantity)s for %(title)s")
        % {"user": user.name, "quantity": quantity, "title": campaign.title},
        actor=user,
        group=campaign.group,
        data={"campaign": campaign.pk, "pledge": pledge.pk, "quantity": quantity},
    )
    if created:
        outbox_enqueue_many([emails.pledged(pledge)])
    return pledge


@transaction.atomic
def pledge_withdraw(
    *, pledge: Pledge, user: User, now: datetime | None = None, owner: str = ""
) -> Pledge:
    """Withdraw my pledge before the deadline; its hold is released at once."""
    campaign = _lock(pledge.campaign)
    _check_owner(campaign, owner)
    pledge = Pledge.objects.select_for_update(no_key=True).get(pk=pledge.pk)
    if pledge.user_id != user.pk:
        raise CampaignError(_("You can only withdraw your own pledge."))
    if not campaign.is_open or (now or timezone.now()) >= campaign.deadline:
        raise CampaignError(_("The campaign has ended: pledges can no longer change."))
    if pledge.status != Pledge.Status.ACTIVE:
        return pledge
    pledge.status = Pledge.Status.WITHDRAWN
    pledge.save(update_fields=["status", "updated_at"])
    hold_release(source_kind=HOLD_KIND, source_id=pledge.pk)
    audit_record(
        action="campaign.pledge_withdrawn",
        summary=_("%(user)s withdrew their pledge for %(title)s")
        % {"user": user.name, "title": campaign.title},
        actor=user,
        group=campaign.group,
        data={"campaign": campaign.pk, "pledge": pledge.pk},
    )
    return pledge


@dataclass(frozen=True)
class SettleResult:
    campaign: Campaign
    ended_now: bool
    charge: Transaction | None = None


@transaction.atomic
def campaign_settle(
    *, campaign: Campaign, now: datetime | None = None, when_full: bool = False
) -> SettleResult:
    """At the deadline: tip (fill the counted pledges at the final price) or fail. Exactly once.

    `when_full`: also end it before the deadline when its cap is reached (a team that fills).
    """
    campaign = _lock(campaign)
    now = now or timezone.now()
    full = campaign.cap is not None and pledged_units(campaign) >= campaign.cap
    if not campaign.is_open or (now < campaign.deadline and not (when_full and full)):
        return SettleResult(campaign, False)
    active = list(
        campaign.pledges.filter(status=Pledge.Status.ACTIVE).select_related("user").order_by("pk")
    )
    result = core.outcome(
        tiers=core_tiers(campaign),
        measure=measure_of(campaign),
        pledges=core_pledges(active),
    )
    for pledge in active:
        hold_release(source_kind=HOLD_KIND, source_id=pledge.pk)
    campaign.ended_at = now
    if not result.tipped:
        campaign.status = Campaign.Status.FAILED
        campaign.end_reason = _("The minimum was not reached by the deadline.")
        campaign.save(update_fields=["status", "ended_at", "end_reason"])
        Pledge.objects.filter(pk__in=[p.pk for p in active]).update(status=Pledge.Status.RELEASED)
        outbox_enqueue_many([emails.failed(p) for p in active])
        audit_record(
            action="campaign.failed",
            summary=_("The campaign %(title)s did not reach its minimum")
            % {"title": campaign.title},
            actor=None,
            group=campaign.group,
            data={"campaign": campaign.pk, "pledges": len(active)},
        )
        return SettleResult(campaign, True)
    assert result.unit_price is not None
    campaign.status = Campaign.Status.TIPPED
    campaign.unit_price = result.unit_price
    campaign.save(update_fields=["status", "ended_at", "unit_price"])
    counted = set(result.counted)
    filled = [p for p in active if str(p.pk) in counted]
    left_out = [p for p in active if str(p.pk) not in counted]
    for pledge in filled:
        pledge.status = Pledge.Status.FILLED
        pledge.amount_due = result.unit_price * pledge.quantity
    Pledge.objects.bulk_update(filled, ["status", "amount_due"])
    Pledge.objects.filter(pk__in=[p.pk for p in left_out]).update(status=Pledge.Status.LEFT_OUT)
    charge = _charge_held(campaign, [p for p in filled if p.payment == Pledge.Payment.HOLD])
    if charge is not None:
        Pledge.objects.filter(
            pk__in=[p.pk for p in filled if p.payment == Pledge.Payment.HOLD]
        ).update(transaction=charge)
    for step in settle_steps():
        step(campaign=campaign, charge=charge)
    outbox_enqueue_many([emails.filled(p) for p in filled] + [emails.left_out(p) for p in left_out])
    audit_record(
        action="campaign.tipped",
        summary=_("The campaign %(title)s went ahead at %(price)s")
        % {"title": campaign.title, "price": result.unit_price},
        actor=None,
        group=campaign.group,
        data={"campaign": campaign.pk, "filled": len(filled), "left_out": len(left_out)},
    )
    return SettleResult(campaign, True, charge)


def _charge_held(campaign: Campaign, pledges: list[Pledge]) -> Transaction | None:
    """One posting: every member whose pledge was held pays; the group owes the supplier."""
    if not pledges:
        return None
    assert campaign.supplier is not None
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            group=campaign.group, user_id__in=[p.user_id for p in pledges]
        )
    }
    legs = []
    for pledge in pledges:
        membership = memberships.get(pledge.user_id)
        if membership is None:  # left the group since: their promise stays due, unheld
            Pledge.objects.filter(pk=pledge.pk).update(payment=Pledge.Payment.PROMISE)
            continue
        assert pledge.amount_due is not None
        legs.append((member_account(membership), -pledge.amount_due))
    if not legs:
        return None
    total = -sum((amount for _account, amount in legs), Decimal(0))
    legs.append((supplier_account(campaign.group, campaign.supplier), total))
    posted, _created = post(
        group=campaign.group,
        kind=Transaction.Kind.CAMPAIGN,
        description=_("Campaign: %(title)s at %(price)s each")
        % {"title": campaign.title, "price": campaign.unit_price},
        legs=legs,
        actor=None,
        idempotency_key=system_key(f"campaign-{campaign.pk}-tip"),
        source=Source(SourceKind.CAMPAIGN, campaign.pk),
    )
    return posted


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor: User, reason: str) -> Campaign:
    """A coordinator stops an open campaign: every hold is released and nobody pays."""
    require_coordinator(group=campaign.group, user=actor)
    reason = reason.strip()
    if not reason:
        raise CampaignError(_("Say why: every pledger is told."), field="reason")
    campaign = _lock(campaign)
    if not campaign.is_open:
        raise CampaignError(_("Only an open campaign can be cancelled."))
    active = list(campaign.pledges.filter(status=Pledge.Status.ACTIVE).select_related("user"))
    for pledge in active:
        hold_release(source_kind=HOLD_KIND, source_id=pledge.pk)
    Pledge.objects.filter(pk__in=[p.pk for p in active]).update(status=Pledge.Status.RELEASED)
    campaign.status = Campaign.Status.CANCELLED
    campaign.ended_at = timezone.now()
    campaign.end_reason = reason[:300]
    campaign.save(update_fields=["status", "ended_at", "end_reason"])
    outbox_enqueue_many([emails.cancelled(p, reason) for p in active])
    audit_record(
        action="campaign.cancelled",
        summary=_("%(actor)s cancelled the campaign %(title)s: %(reason)s")
        % {"actor": actor.name, "title": campaign.title, "reason": reason},
        actor=actor,
        group=campaign.group,
        data={"campaign": campaign.pk},
    )
    return campaign
