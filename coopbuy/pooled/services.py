"""Every write to pooled rounds: open (with a child round per group), cancel, send the order.

The close is in `closing.py`. Lock order (docs/adr/0005): the pooled round (the federation's
row), then its child rounds by primary key, then the ledger.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.federations.models import Federation, FederationGroup, FederationSupplier
from coopbuy.federations.permissions import require_federation_role
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.pooled.deadline import schedule_pool_close
from coopbuy.pooled.errors import PooledError
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.order_mail import order_email
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import Round, RoundSupplier
from coopbuy.rounds.services import round_open

FROZEN = (
    PooledRound.Status.CLOSED,
    PooledRound.Status.ORDERED,
    PooledRound.Status.RECEIVED,
    PooledRound.Status.SETTLED,
)


def lock_pool(pool: PooledRound) -> PooledRound:
    """The pooled round's row, locked FOR NO KEY UPDATE and read afresh (before its rounds)."""
    return (
        PooledRound.objects.select_for_update(no_key=True, of=("self",))
        .select_related("federation__book", "supplier")
        .get(pk=pool.pk)
    )


def shared_suppliers(federation: Federation) -> list[Supplier]:
    """The suppliers the federation shares now (their catalogue is a pooled round's)."""
    return list(
        Supplier.objects.filter(
            federation_rows__federation=federation, federation_rows__ended_at__isnull=True
        ).order_by("name", "pk")
    )


@transaction.atomic
def pooled_round_open(
    *,
    federation: Federation,
    actor: User,
    supplier: Supplier,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    policy: str = PooledRound.Policy.FCFS,
    drop_fee: Decimal = Decimal("0.00"),
) -> PooledRound:
    """Open a pooled round: one child round per member group with members, priced with the
    group's own markup, from the shared supplier's available products."""
    require_federation_role(federation=federation, user=actor)
    name = name.strip()
    if not name:
        raise PooledError(_("Give the pooled round a name."), field="name")
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise PooledError(_("Give times with a time zone."), field="closes_at")
    if closes_at <= opens_at:
        raise PooledError(_("The round must close after it opens."), field="closes_at")
    if closes_at <= timezone.now():
        raise PooledError(_("The closing time has passed."), field="closes_at")
    if policy not in PooledRound.Policy.values:
        raise PooledError(_("Choose how short cases are shared."), field="policy")
    if drop_fee < 0 or drop_fee != drop_fee.quantize(Decimal("0.01")):
        raise PooledError(_("Give the drop fee in pounds and pence, e.g. 6.00."), field="drop_fee")
    if not FederationSupplier.objects.filter(
        federation=federation, supplier=supplier, ended_at__isnull=True
    ).exists():
        raise PooledError(_("Choose a supplier the federation shares."), field="supplier")
    rows = list(
        FederationGroup.objects.filter(
            federation=federation, status=FederationGroup.Status.MEMBER
        ).select_related("group")
    )
    if not rows:
        raise PooledError(_("The federation has no member groups to pool."), field="supplier")
    with_members = set(
        Membership.objects.active()
        .filter(group_id__in=[r.group_id for r in rows])
        .values_list("group_id", flat=True)
    )
    rows = [r for r in rows if r.group_id in with_members]
    if not rows:
        raise PooledError(
            _("The federation's groups have no members: a round whose groups have no members "
              "cannot open."),
            field="supplier",
        )  # fmt: skip
    pool = PooledRound.objects.create(
        federation=federation, supplier=supplier, name=name, opens_at=opens_at,
        closes_at=closes_at, policy=policy, drop_fee=drop_fee,
        currency=supplier.group.currency, min_order_value=supplier.min_order_value,
        delivery_fee=supplier.delivery_fee, free_delivery_over=supplier.free_delivery_over,
        status=PooledRound.Status.OPEN, opened_at=timezone.now(), created_by=actor,
    )  # fmt: skip
    for row in sorted(rows, key=lambda r: r.group_id):
        child = Round.objects.create(
            group=row.group, name=name, opens_at=opens_at, closes_at=closes_at, policy=policy,
            markup_rate=row.markup_rate, delivery_share=Round.DeliveryShare.VALUE,
            currency=pool.currency, created_by=actor, pool=pool,
        )  # fmt: skip
        # The group orders against the pool's minimum and fee (the pooled panel shows them):
        # its own round carries none of its own.
        RoundSupplier.objects.create(round=child, supplier=supplier, name=supplier.name)
        round_open(round=child, actor=None)
        RoundSupplier.objects.filter(round=child).update(
            order_email="", min_order_value=0, delivery_fee=0, free_delivery_over=None
        )
    audit_record(
        action="pooled.opened",
        summary=_("%(user)s opened the pooled round %(name)s for %(n)d groups")
        % {"user": actor.name, "name": name, "n": len(rows)},
        actor=actor,
        data={"pooled_round": pool.pk, "federation": federation.pk, "groups": len(rows)},
    )
    schedule_pool_close(pool)
    return pool


@transaction.atomic
def pooled_round_cancel(*, pool: PooledRound, actor: User, reason: str = "") -> PooledRound:
    """Cancel an open pooled round and every child round with it."""
    require_federation_role(federation=pool.federation, user=actor)  # first (docs/adr/0005)
    pool = lock_pool(pool)
    if pool.status not in (PooledRound.Status.DRAFT, PooledRound.Status.OPEN):
        raise PooledError(_("Only a draft or open pooled round can be cancelled."))
    for child in Round.objects.filter(pool=pool).order_by("pk"):
        child = lock_round(child)
        child.status = Round.Status.CANCELLED
        child.save(update_fields=["status"])
    pool.status = PooledRound.Status.CANCELLED
    pool.save(update_fields=["status"])
    audit_record(
        action="pooled.cancelled",
        summary=_("%(user)s cancelled the pooled round %(name)s")
        % {"user": actor.name, "name": pool.name},
        actor=actor,
        data={"pooled_round": pool.pk, "reason": reason.strip()[:200]},
    )
    return pool


@transaction.atomic
def pooled_round_mark_ordered(*, pool: PooledRound, actor: User) -> PooledRound:
    """The federation has sent its purchase order: the pool and its child rounds are ordered."""
    require_federation_role(federation=pool.federation, user=actor)  # first (docs/adr/0005)
    pool = lock_pool(pool)
    if pool.status == PooledRound.Status.ORDERED:
        return pool
    if pool.status != PooledRound.Status.CLOSED:
        raise PooledError(_("Close the pooled round before ordering from the supplier."))
    now = timezone.now()
    for child in Round.objects.filter(pool=pool, status=Round.Status.CLOSED).order_by("pk"):
        child = lock_round(child)
        child.status, child.ordered_at = Round.Status.ORDERED, now
        child.save(update_fields=["status", "ordered_at"])
    pool.status, pool.ordered_at = PooledRound.Status.ORDERED, now
    pool.save(update_fields=["status", "ordered_at"])
    email = order_email(pool)
    if email is not None:  # as a round's purchase order: through the outbox, with the drops
        outbox_enqueue_many([email])
    audit_record(
        action="pooled.ordered",
        summary=_("%(user)s sent the pooled order %(name)s")
        % {"user": actor.name, "name": pool.name},
        actor=actor,
        data={"pooled_round": pool.pk},
    )
    return pool
