"""Demo rounds for the first group: one closed, ordered and received; one open with orders.

Seeded through the rounds services (the same code people use), with a fixed random seed.
Idempotent: a round of the same name is never added twice. Skipped when the group has no
supplier with products yet (the catalogue seed runs first).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.catalog.models import Supplier
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.rounds.closing import round_close, round_send_order
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.receiving import round_mark_collected, round_receive_product
from coopbuy.rounds.services import basket_set, round_create, round_open

PAST = "Last week's order"
OPEN = "This week's order"


def _order(round: Round, members: list[Membership], rnd: random.Random, start: int) -> None:
    products = list(RoundProduct.objects.filter(round=round).order_by("pk")[:40])
    popular = products[:12]
    minute = start
    for membership in members:
        for product in rnd.sample(popular, 3) + rnd.sample(products, 2):
            minute += rnd.randint(1, 40)
            try:
                basket_set(
                    round=round,
                    user=membership.user,
                    product_id=product.pk,
                    quantity=rnd.randint(1, max(1, product.case_size // 2)),
                    tolerance=rnd.choice([0, 0, 1, 2]),
                    now=round.opened_at + timedelta(minutes=minute)
                    if round.opened_at
                    else timezone.now(),
                )
            except RoundError:
                break  # the group's money rule stops this member here, as it would in real life


def seed_rounds(slug: str) -> int:
    """Returns how many rounds were added (0 when there is nothing to do or nothing to order)."""
    group = BuyingGroup.objects.filter(slug=slug).first()
    if group is None:
        return 0
    suppliers = list(
        Supplier.objects.filter(group=group, is_active=True, products__is_available=True)
        .distinct()
        .order_by("pk")[:2]
    )
    if not suppliers:
        return 0
    memberships = list(
        Membership.objects.active().filter(group=group).select_related("user").order_by("pk")
    )
    coordinator = next(m.user for m in memberships if m.role == Membership.Role.COORDINATOR)
    rnd = random.Random(2026)
    added = 0
    now = timezone.now()
    if not Round.objects.filter(group=group, name=PAST).exists():
        round = round_create(
            group=group, actor=coordinator, name=PAST, suppliers=suppliers,
            opens_at=now - timedelta(days=9), closes_at=now + timedelta(hours=1),
            markup_percent=Decimal(rnd.choice([0, 3, 5])),
        )  # fmt: skip
        round = round_open(round=round, actor=coordinator)
        Round.objects.filter(pk=round.pk).update(opened_at=now - timedelta(days=9))
        round.refresh_from_db()
        _order(round, memberships[: len(memberships) - 2], rnd, 0)
        round_close(round=round, actor=coordinator)
        round_send_order(round=round, actor=coordinator)
        short = RoundProduct.objects.filter(round=round, cases__gt=0).order_by("pk").first()
        if short is not None:
            round_receive_product(
                round=round,
                actor=coordinator,
                product_id=short.pk,
                units_received=max(0, (short.cases or 0) * short.case_size - 1),
                note="One bag split in the van.",
            )
        for charge in round.charges.filter(goods__gt=0).order_by("pk")[:4]:
            round_mark_collected(
                round=round, actor=coordinator, membership_id=charge.membership_id, collected=True
            )
        closed = now - timedelta(days=2)
        Round.objects.filter(pk=round.pk).update(closes_at=closed, closed_at=closed)
        added += 1
    if not Round.objects.filter(group=group, name=OPEN).exists():
        round = round_create(
            group=group, actor=coordinator, name=OPEN, suppliers=suppliers,
            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=5),
        )  # fmt: skip
        round = round_open(round=round, actor=coordinator)
        Round.objects.filter(pk=round.pk).update(opened_at=now - timedelta(days=1))
        round.refresh_from_db()
        _order(round, memberships[: len(memberships) - 4], rnd, 0)
        added += 1
    return added
