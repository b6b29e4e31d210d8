"""Scheduling a round's close at its deadline.

Opening a round schedules its close; the close may open the schedule's next round; so the close
task (`tasks.close_round`, which imports the close) sits above the services that open rounds. This
module is the one deliberate late-bound edge of that loop: it names the task by its path instead of
importing it, so that every rounds module imports one way.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from coopbuy.rounds.models import Round

CLOSE_TASK = "coopbuy.rounds.tasks.close_round"
REMIND_TASK = "coopbuy.rounds.tasks.remind_closing"
REMIND_BEFORE = timedelta(hours=24)  # `announcements.REMINDER_BEFORE`


def schedule_close(round: Round) -> None:
    """Enqueue the close for the deadline, and the members' reminder 24 hours before it
    (backends that cannot defer, e.g. in tests: nothing; the sweeps catch what is missed)."""
    close_round: Any = import_string(CLOSE_TASK)
    remind_closing: Any = import_string(REMIND_TASK)
    if not close_round.get_backend().supports_defer:
        return
    round_id, at = round.pk, round.closes_at
    transaction.on_commit(lambda: close_round.using(run_after=at).enqueue(round_id))
    remind_at = at - REMIND_BEFORE
    transaction.on_commit(lambda: remind_closing.using(run_after=remind_at).enqueue(round_id))
