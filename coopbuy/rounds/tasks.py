"""Background work of rounds: closing at the deadline.

`schedule_close` enqueues `close_round` to run at `closes_at`, after the transaction commits.
The task re-reads the round and does nothing unless it is open and due, so a stale task (the
deadline moved, the coordinator closed early) is harmless; moving the deadline enqueues again.
"""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from coopbuy.rounds.models import Round


@task
def close_round(round_id: int) -> bool:
    from coopbuy.rounds.closing import round_close

    round = Round.objects.filter(pk=round_id, status=Round.Status.OPEN).first()
    if round is None:
        return False
    return round_close(round=round, actor=None).closed_now


def schedule_close(round: Round) -> None:
    """Enqueue the close for the deadline (backends that cannot defer, e.g. in tests: nothing)."""
    if not close_round.get_backend().supports_defer:
        return
    round_id, at = round.pk, round.closes_at
    transaction.on_commit(lambda: close_round.using(run_after=at).enqueue(round_id))
