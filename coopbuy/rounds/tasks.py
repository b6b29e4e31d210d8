"""Background work of rounds: closing at the deadline.

`schedule_close` enqueues `close_round` to run at `closes_at`, after the transaction commits.
The task re-reads the round and does nothing unless it is open and due, so a stale task (the
deadline moved, the coordinator closed early) is harmless; moving the deadline enqueues again.
"""

from __future__ import annotations

from django.tasks import task

from coopbuy.rounds.closing import round_close
from coopbuy.rounds.deadline import schedule_close
from coopbuy.rounds.models import Round

__all__ = ["close_round", "schedule_close"]


@task
def close_round(round_id: int) -> bool:
    round = Round.objects.filter(pk=round_id, status=Round.Status.OPEN).first()
    if round is None:
        return False
    return round_close(round=round, actor=None).closed_now
