"""Demo money: every member starts with an opening top-up, recorded by their group's treasurer.

Idempotent through the ledger's own idempotency keys ("demo-opening-<membership>"): a second run
posts nothing. Hebden Bridge asks for prepayment with £10 of credit, so the ordering page has a
limit to explain; the other groups let members pay after each round.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.models import LedgerSettings, Transaction
from coopbuy.ledger.treasury import ledger_settings_update, ledger_top_up

from .people import GROUPS


def seed_ledger() -> int:
    """Opening top-ups for the demo groups' members; how many were posted now."""
    posted = 0
    for number, spec in enumerate(GROUPS):
        group = BuyingGroup.objects.filter(slug=spec.slug).first()
        if group is None:
            continue
        treasurer = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.TREASURER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if treasurer is None:
            continue
        if number == 0 and not LedgerSettings.objects.filter(group=group).exists():
            ledger_settings_update(
                group=group, actor=treasurer.user, prepayment_required=True,
                credit_limit=Decimal("10.00"), invoice_prefix="HEB",
            )  # fmt: skip
        memberships = (
            Membership.objects.active().filter(group=group).select_related("user", "group")
        )
        for index, membership in enumerate(memberships.order_by("pk")):
            key = system_key(f"demo-opening-{membership.pk}")
            if Transaction.objects.filter(group=group, idempotency_key=key).exists():
                continue
            ledger_top_up(
                membership=membership,
                amount=Decimal(20 + (index * 7) % 31) + Decimal("0.50") * (index % 2),
                method="cash" if index % 4 == 3 else "bank",
                actor=treasurer.user,
                idempotency_key=key,
                reference=f"opening balance {membership.pk}",
                booked_on=timezone.localdate() - timedelta(days=30 - index),
            )
            posted += 1
    return posted
