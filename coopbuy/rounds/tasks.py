"""Background work of rounds: closing at the deadline.

`schedule_close` enqueues `close_round` to run at `closes_at`, after the transaction commits.
The task re-reads the round and does nothing unless it is open and due, so a stale task (the
deadline moved, the coordinator closed early) is harmless; moving the deadline enqueues again.
"""

from __future__ import annotations

import logging

from django.tasks import task

from coopbuy.rounds.announcements import announce_closing
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.deadline import schedule_close
from coopbuy.rounds.deadline_failures import round_close_failed
from coopbuy.rounds.models import Round

__all__ = ["close_round", "remind_closing", "schedule_close"]

logger = logging.getLogger(__name__)


@task
def close_round(round_id: int) -> bool:
    """Close a due round; a failure is recorded and told (`deadline_failures`), never raised.

    The sweep (`coopbuy close_due_rounds`) calls this for every due round: one round that cannot
    close must not keep the others open.
    """
    round = Round.objects.filter(pk=round_id, status=Round.Status.OPEN).first()
    if round is None:
        return False
    try:
        return round_close(round=round, actor=None).closed_now
    except Exception as error:
        logger.exception("The deadline close of round %s failed", round_id)
        round_close_failed(round_id=round_id, error=error)
        return False


@task
def remind_closing(round_id: int) -> int:
    """The "closes in 24 hours" emails of one round; nothing unless due, nothing sent twice
    (`announcements`). The sweep `coopbuy announce_closing_rounds` catches a missed task."""
    return announce_closing(round_id=round_id)
