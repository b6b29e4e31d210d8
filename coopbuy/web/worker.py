"""Is the background worker alive? A heartbeat in the shared cache, and the age of the queue.

`coopbuy worker` (the `run_worker` command) runs django-tasks-db's worker with a heartbeat thread
that writes the time into the database cache every `BEAT_SECONDS`; when the worker process exits
(or is killed) the heartbeat stops. Every `SWEEP_EVERY_BEATS` beats it also hands back the outbox
messages claimed by a sender that died (`outbox_sweep_stale_claims`), so they go out again.
`/health/` reports the worker's state, `/ready/` answers 503 when the worker is dead or a task has
waited too long (a worker alive but stuck).
With the immediate task backend (tests, `TASKS_BACKEND`), tasks need no worker.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.db.models import Case, F, Q, When
from django.utils import timezone

from coopbuy.outbox.tasks import outbox_sweep_stale_claims

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "coopbuy:worker:heartbeat"
BEAT_SECONDS = 10
DEAD_AFTER_SECONDS = 60  # six missed beats
STUCK_AFTER_SECONDS = 300  # a ready task older than this: nobody is working the queue
SWEEP_EVERY_BEATS = 6  # stale outbox claims handed back once a minute


@dataclass(frozen=True)
class WorkerState:
    state: str  # "ok", "dead" (no heartbeat), "stuck" (tasks wait), "not needed"
    last_seen_seconds_ago: float | None
    oldest_waiting_seconds: float | None

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "not needed")

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state,
            "last_seen_seconds_ago": self.last_seen_seconds_ago,
            "oldest_waiting_seconds": self.oldest_waiting_seconds,
        }


def beat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=DEAD_AFTER_SECONDS * 10)


def start_heartbeat() -> threading.Event:
    """Beat now and every `BEAT_SECONDS` from a daemon thread; set the event to stop."""
    stop = threading.Event()
    beat()

    def run() -> None:
        beats = 0
        while not stop.wait(BEAT_SECONDS):
            beats += 1
            try:
                beat()
                if beats % SWEEP_EVERY_BEATS == 0:
                    sweep()
            finally:
                close_old_connections()

    threading.Thread(target=run, name="worker-heartbeat", daemon=True).start()
    return stop


def sweep() -> int:
    """The heartbeat's periodic work: stale outbox claims handed back (and sent again by a task).
    A failure is logged, never raised: the heartbeat must go on."""
    try:
        return outbox_sweep_stale_claims()
    except Exception:
        logger.exception("could not hand back stale outbox claims")
        return 0


def needs_worker() -> bool:
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def worker_state() -> WorkerState:
    if not needs_worker():
        return WorkerState("not needed", None, None)
    from django_tasks_db.models import DBTaskResult

    seen = cache.get(HEARTBEAT_KEY)
    ago = round(time.time() - seen, 1) if isinstance(seen, int | float) else None
    from django_tasks_db.models import get_date_max

    now = timezone.now()
    cutoff = now - timedelta(seconds=STUCK_AFTER_SECONDS)
    # Waiting since it was enqueued, or since the time it was to run after (a deadline's task).
    since = (
        DBTaskResult.objects.ready()
        .filter(Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff))
        .annotate(since=Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                             default=F("run_after")))
        .order_by("since")
        .values_list("since", flat=True)
        .first()
    )  # fmt: skip
    waiting = round((now - since).total_seconds(), 1) if since else None
    if ago is None or ago > DEAD_AFTER_SECONDS:
        return WorkerState("dead", ago, waiting)
    if waiting is not None:
        return WorkerState("stuck", ago, waiting)
    return WorkerState("ok", ago, waiting)
