"""Scheduling a pooled round's close at its deadline (as `rounds.deadline` does for a round).

The task (`tasks.close_pooled_round`) imports the close, which sits above the services that open
pooled rounds; so, like rounds, the task is named by its path here instead of imported.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from coopbuy.pooled.models import PooledRound

CLOSE_TASK = "coopbuy.pooled.tasks.close_pooled_round"


def schedule_pool_close(pool: PooledRound) -> None:
    """Enqueue the close for the deadline (backends that cannot defer, e.g. in tests: nothing)."""
    close: Any = import_string(CLOSE_TASK)
    if not close.get_backend().supports_defer:
        return
    pool_id, at = pool.pk, pool.closes_at
    transaction.on_commit(lambda: close.using(run_after=at).enqueue(pool_id))
