"""Closing a round (the engine's result frozen in one transaction) and ordering from suppliers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.allocation import allocate
from coopbuy.core.problem import AllocationResult
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.reports.services import round_figures_record
from coopbuy.rounds import adapters, billing, documents, extensions
from coopbuy.rounds.errors import RoundError, refuse_if_pooled
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import Round
from coopbuy.rounds.permissions import require_round_coordinator
from coopbuy.rounds.schedules import schedule_next_round

FROZEN = (Round.Status.CLOSED, Round.Status.ORDERED, Round.Status.RECEIVED, Round.Status.SETTLED)


@dataclass(frozen=True)
class CloseResult:
    round: Round
    closed_now: bool  # False: it was closed already (or not due), nothing changed
    members: int = 0
    lines: int = 0


SOLVE_OUTSIDE_THE_LOCK = 2  # tries before the solver runs under the lock (always progresses)


def round_close(
    *, round: Round, actor: User | None, now: datetime | None = None, time_limit: float = 10.0
) -> CloseResult:
    """Allocate, freeze the result and tell every member, all or nothing; idempotent.

    `actor` None is the background task: it closes only at or after the deadline. A coordinator
    may close early. A round already closed is returned as it is.

    The solver (up to `time_limit` seconds) runs before the round's lock is taken, so members can
    still change their baskets meanwhile; under the lock the problem is read again and, if the
    demand changed, solved again (after `SOLVE_OUTSIDE_THE_LOCK` tries, under the lock).
    """
    for attempt in range(SOLVE_OUTSIDE_THE_LOCK + 1):
        solved = None
        if attempt < SOLVE_OUTSIDE_THE_LOCK:
            unlocked = Round.objects.select_related("group").get(pk=round.pk)
            if not _due(unlocked, actor, now):
                solved = None
            else:
                problem = adapters.problem_for_round(unlocked)
                solved = (
                    problem,
                    allocate(problem.problem, time_limit=time_limit, explain_result=True),
                )
        outcome = _close_locked(
            round=round, actor=actor, now=now, time_limit=time_limit, solved=solved,
            last_try=attempt == SOLVE_OUTSIDE_THE_LOCK,
        )  # fmt: skip
        if outcome is not None:
            return outcome
    raise AssertionError("the last try solves under the lock")  # pragma: no cover


def _due(round: Round, actor: User | None, now: datetime | None) -> bool:
    """Whether a close would allocate now (read without the lock; checked again under it)."""
    if actor is not None:  # refused before the solver runs; checked again in `_close_locked`
        with transaction.atomic():
            require_round_coordinator(round=round, user=actor)
    if round.pool_id is not None:
        return False  # closed with its pool (`coopbuy.pooled`); `_close_locked` says so
    if round.status != Round.Status.OPEN:
        return False
    return actor is not None or (now or timezone.now()) >= round.closes_at


@transaction.atomic
def _close_locked(
    *,
    round: Round,
    actor: User | None,
    now: datetime | None,
    time_limit: float,
    solved: tuple[adapters.RoundProblem, AllocationResult] | None,
    last_try: bool,
) -> CloseResult | None:
    """The close under the round's lock; None: the demand changed since `solved`, try again."""
    if actor is not None:
        require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status in FROZEN:
        return CloseResult(round, False)
    if round.pool_id is not None:
        if actor is None:  # the round's own deadline task: the pool's task closes it
            return CloseResult(round, False)
        refuse_if_pooled(round, _("close"))
    if round.status != Round.Status.OPEN:
        raise RoundError(_("Only an open round can be closed."))
    now = now or timezone.now()
    if actor is None and now < round.closes_at:
        return CloseResult(round, False)
    problem = adapters.problem_for_round(round)
    if solved is not None and solved[0] == problem:
        result = solved[1]
    elif last_try:
        result = allocate(problem.problem, time_limit=time_limit, explain_result=True)
    else:
        return None  # a basket changed while the solver ran: solve again, outside the lock
    lines_of, charges = adapters.freeze_result(round, problem, result)
    round.status = Round.Status.CLOSED
    round.closed_at = now
    if actor is not None and now < round.closes_at:
        round.closes_at = now  # closed early: the deadline members are told is the real one
    round.save(update_fields=["status", "closed_at", "closes_at"])
    billing.round_post_charges(round=round, actor=actor, computed=charges)
    for step in extensions.close_steps():
        step(round=round, charges=charges, actor=actor)
    round_figures_record(round=round)
    emails = dict(Membership.objects.filter(pk__in=lines_of).values_list("pk", "user__email"))
    mail = documents.AllocationMail(round)
    outbox_enqueue_many(
        [
            mail.email(emails[pk], lines, charges[pk])
            for pk, lines in lines_of.items()
            if emails.get(pk)
        ]
    )
    audit_record(
        action="round.closed",
        summary=_("%(who)s closed the round %(round)s")
        % {"who": actor.name if actor else _("The deadline"), "round": round.name},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "members": len(lines_of), "lines": len(result.allocations)},
    )
    if round.schedule_id is not None:
        schedule_next_round(round=round)
    return CloseResult(round, True, len(lines_of), len(result.allocations))


@transaction.atomic
def round_send_order(*, round: Round, actor: User) -> Round:
    """Email each ordered supplier its purchase order (PDF and CSV) and mark the round ordered."""
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status == Round.Status.ORDERED:
        return round
    refuse_if_pooled(round, _("order"))
    if round.status != Round.Status.CLOSED:
        raise RoundError(_("Close the round before ordering from suppliers."))
    emails: list[Email] = []
    for supplier in round.suppliers.filter(ordered=True).order_by("pk"):
        order = documents.purchase_order(round, supplier)
        if supplier.order_email:
            emails.append(documents.purchase_order_email(round, supplier, order))
    outbox_enqueue_many(emails)
    round.status = Round.Status.ORDERED
    round.ordered_at = timezone.now()
    round.save(update_fields=["status", "ordered_at"])
    audit_record(
        action="round.ordered",
        summary=_("%(user)s sent the orders of %(round)s to %(n)d supplier(s)")
        % {"user": actor.name, "round": round.name, "n": len(emails)},
        actor=actor,
        group=round.group,
        data={"round": round.pk},
    )
    return round
