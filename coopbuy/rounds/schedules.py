"""Recurring rounds: when a round of a schedule closes, the next one is created and opened.

The next round closes `interval_weeks` weeks after this one (same weekday and wall-clock time in
the site's time zone, so 20:00 stays 20:00 across a clock change) and opens `open_days` before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import require_coordinator
from coopbuy.rounds.errors import RoundError, refuse_pooled_change
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import Round, RoundSchedule, RoundSupplier
from coopbuy.rounds.services import round_open

MAX_OPEN_DAYS = 32767  # what `RoundSchedule.open_days` (a small integer) can hold


def next_closing(closes_at: datetime, weeks: int) -> datetime:
    """The same local weekday and time `weeks` weeks later (DST-safe)."""
    local = timezone.localtime(closes_at)
    naive = local.replace(tzinfo=None) + timedelta(weeks=weeks)
    return timezone.make_aware(naive, timezone.get_current_timezone())


@transaction.atomic
def schedule_create(
    *,
    group: BuyingGroup,
    actor: User,
    name: str,
    suppliers: list[Supplier],
    interval_weeks: int,
    open_days: int,
    policy: str = Round.Policy.FCFS,
    markup_percent: Decimal = Decimal(0),
    delivery_share: str = Round.DeliveryShare.VALUE,
) -> RoundSchedule:
    require_coordinator(group=group, user=actor)
    if interval_weeks < 1 or open_days < 1:
        raise RoundError(_("Give at least one week and one day."), field="interval_weeks")
    schedule = RoundSchedule.objects.create(
        group=group,
        name=name.strip() or _("Regular order"),
        interval_weeks=interval_weeks,
        open_days=open_days,
        policy=policy,
        markup_rate=(markup_percent / 100).quantize(Decimal("0.0001")),
        delivery_share=delivery_share,
    )
    schedule.suppliers.set(suppliers)
    audit_record(
        action="round.schedule_created",
        summary=_("%(user)s set up the recurring round %(name)s")
        % {"user": actor.name, "name": schedule.name},
        actor=actor,
        group=group,
        data={"schedule": schedule.pk},
    )
    return schedule


@transaction.atomic
def round_repeat(*, round: Round, actor: User, interval_weeks: int) -> RoundSchedule:
    """Repeat a draft or open round every `interval_weeks` weeks with the same settings.

    The schedule copies the round's suppliers, rule, markup and delivery sharing; it stays open
    as long as this one (at least a day). When this round closes, the next one opens.
    """
    require_coordinator(group=round.group, user=actor)
    round = lock_round(round)
    refuse_pooled_change(
        round,
        _("This round is part of the pooled round %(pool)s: the federation opens each pooled "
          "round, so it does not repeat on its own."),
    )  # fmt: skip
    if round.status not in (Round.Status.DRAFT, Round.Status.OPEN):
        raise RoundError(_("Only a draft or open round can be repeated."))
    if round.schedule_id is not None:
        raise RoundError(_("This round already repeats."))
    suppliers = [
        rs.supplier for rs in round.suppliers.select_related("supplier") if rs.supplier is not None
    ]
    open_days = min(max(1, (round.closes_at - round.opens_at).days), MAX_OPEN_DAYS)
    schedule = schedule_create(
        group=round.group,
        actor=actor,
        name=round.name,
        suppliers=suppliers,
        interval_weeks=interval_weeks,
        open_days=open_days,
        policy=round.policy,
        markup_percent=round.markup_rate * 100,
        delivery_share=round.delivery_share,
    )
    round.schedule = schedule
    round.save(update_fields=["schedule"])
    return schedule


def schedule_next_round(*, round: Round) -> Round | None:
    """Create and open the schedule's next round (called inside `round_close`'s transaction)."""
    if round.schedule_id is None:
        return None
    schedule = RoundSchedule.objects.filter(pk=round.schedule_id, is_active=True).first()
    if schedule is None:
        return None
    base = round.closes_at
    closes_at = next_closing(base, schedule.interval_weeks)
    while closes_at <= timezone.now():  # a round closed very late: skip to the next future date
        closes_at = next_closing(closes_at, schedule.interval_weeks)
    if Round.objects.filter(schedule=schedule, closes_at=closes_at).exists():
        return None
    suppliers = list(schedule.suppliers.filter(is_active=True, group=round.group))
    if not suppliers:
        return None
    local = timezone.localtime(closes_at)
    nxt = Round.objects.create(
        group=round.group,
        name=f"{schedule.name} {local:%d %b %Y}",
        opens_at=max(closes_at - timedelta(days=schedule.open_days), timezone.now()),
        closes_at=closes_at,
        policy=schedule.policy,
        markup_rate=schedule.markup_rate,
        delivery_share=schedule.delivery_share,
        currency=round.currency,
        schedule=schedule,
    )
    RoundSupplier.objects.bulk_create(
        [RoundSupplier(round=nxt, supplier=s, name=s.name) for s in suppliers]
    )
    return round_open(round=nxt, actor=None)
