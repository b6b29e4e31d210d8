"""The crash test's checks after the retries: every answered request took effect exactly once,
every book balances, the cap held, the round closed, no email was sent twice."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from crash_ops import CAP, Op, World
from crash_sink import MailSink


def check_orders(world: World, ops: list[Op]) -> list[str]:
    """Each basket line and pledge is what its last answered request set; the cap held."""
    from django.db.models import Sum

    from coopbuy.campaigns.models import Pledge
    from coopbuy.groups.models import Membership
    from coopbuy.rounds.models import DemandLine

    problems = []
    expected: dict[tuple[object, ...], Any] = {}
    for op in ops:  # one client per resource, logged in the order it sent them
        if op.kind in ("basket", "pledge") and op.outcome == "ok":
            expected[op.resource] = op.value
    for index, membership_id in enumerate(world.membership_ids):
        for product in world.products:
            want = expected.get(("basket", index, product), 0)
            got = (
                DemandLine.objects.filter(
                    round_id=world.round_id, membership_id=membership_id, product_id=product
                ).aggregate(total=Sum("quantity"))["total"]
                or 0
            )
            if got != want:
                problems.append(f"member {index} product {product}: basket {got}, answered {want}")
        user_id = Membership.objects.get(pk=membership_id).user_id
        pledge = Pledge.objects.filter(
            campaign__code=world.campaign_code, user_id=user_id, status=Pledge.Status.ACTIVE
        ).first()
        want_pledge, got_pledge = expected.get(("pledge", index)), pledge and pledge.quantity
        if got_pledge != want_pledge:
            problems.append(f"member {index}: pledge {got_pledge}, answered {want_pledge}")
    pledged = (
        Pledge.objects.filter(
            campaign__code=world.campaign_code, status=Pledge.Status.ACTIVE
        ).aggregate(total=Sum("quantity"))["total"]
        or 0
    )
    if pledged > CAP:
        problems.append(f"the campaign's cap {CAP} exceeded: {pledged} pledged")
    return problems


def check_money(world: World, ops: list[Op]) -> list[str]:
    """Each answered top-up is one posting of its amount; every book balances."""
    from decimal import Decimal

    from coopbuy.ledger.checks import check_books
    from coopbuy.ledger.keys import user_key
    from coopbuy.ledger.models import Entry, Transaction

    problems = []
    owner = f"token:{world.treasurer_token_id}"
    for op in ops:
        if op.kind != "top-up":
            continue
        key = user_key(owner=owner, key=op.key)
        posted = Transaction.objects.filter(idempotency_key=key).count()
        if posted != (1 if op.outcome == "ok" else 0):
            problems.append(f"top-up {op.key} ({op.outcome}) posted {posted} times")
        membership_id = op.body["membership_id"]
        credited = sum(
            Entry.objects.filter(
                transaction__idempotency_key=key, account__membership_id=membership_id
            ).values_list("amount", flat=True),
            Decimal(0),
        )
        if op.outcome == "ok" and credited != Decimal(op.value):
            problems.append(f"top-up {op.key}: credited {credited}, sent {op.value}")
    for report in check_books():
        problems.extend(f"ledger: {problem}" for problem in report.problems)
    return problems


def check_close(world: World, close: Op, replayed: bool) -> list[str]:
    from coopbuy.ledger.models import Transaction
    from coopbuy.rounds.models import Round

    problems = []
    if close.outcome != "ok":
        problems.append(f"closing the round was not answered ({close.outcome})")
    if not replayed:
        problems.append("the close's Idempotency-Key did not replay the same reply")
    if Round.objects.get(pk=world.round_id).status != Round.Status.CLOSED:
        problems.append("the round is not closed")
    if Round.objects.filter(status=Round.Status.OPEN).exists():
        problems.append("a round is still open")
    charged = Transaction.objects.filter(source_kind="round", source_id=world.round_id).count()
    if charged > 1:
        problems.append(f"the round was charged {charged} times")
    return problems


def check_outbox(sink: MailSink) -> tuple[list[str], dict[str, int]]:
    """No message delivered more often than the outbox holds it; every one marked sent arrived."""
    from coopbuy.outbox.models import OutboxMessage

    rows: Counter[tuple[tuple[str, ...], str]] = Counter()
    marked: Counter[tuple[tuple[str, ...], str]] = Counter()
    stranded = 0
    for message in OutboxMessage.objects.all():
        key = (tuple(sorted(message.to)), message.subject)
        rows[key] += 1
        marked[key] += message.sent_at is not None
        stranded += message.sent_at is None and message.claimed_at is not None
    delivered = sink.counts()
    problems = [
        f"email {key} delivered {n} times for {rows[key]} message(s)"
        for key, n in delivered.items()
        if n > rows[key]
    ]
    problems += [
        f"email {key} marked sent {n} times, delivered {delivered[key]}"
        for key, n in marked.items()
        if n > delivered[key]
    ]
    figures = {
        "outbox messages": rows.total(),
        "delivered": delivered.total(),
        "claimed by a killed sender, not sent (at most once)": stranded,
    }
    return problems, figures


def wait_for_outbox(seconds: float) -> None:
    from django.db import connections

    from coopbuy.outbox.models import OutboxMessage

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pending = OutboxMessage.objects.filter(sent_at__isnull=True, claimed_at__isnull=True)
        if not pending.exists():
            return
        connections.close_all()
        time.sleep(1)
