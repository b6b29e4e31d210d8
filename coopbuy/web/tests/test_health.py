"""/health/ and /ready/ report a dead or stuck worker (not only the database)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coopbuy.web import worker

pytestmark = pytest.mark.django_db
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def with_worker_backend(settings: pytest.FixtureRequest) -> None:
    settings.TASKS = DB_TASKS  # type: ignore[attr-defined]
    cache.delete(worker.HEARTBEAT_KEY)


def test_without_a_worker_health_is_degraded_and_ready_is_503(with_worker_backend: None) -> None:
    health = Client().get("/health/")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and health.json()["worker"]["state"] == "dead"
    ready = Client().get("/ready/")
    assert ready.status_code == 503 and ready.json()["worker"]["state"] == "dead"


def test_a_beating_worker_is_ready(with_worker_backend: None) -> None:
    worker.beat()
    assert Client().get("/ready/").status_code == 200
    assert Client().get("/health/").json()["status"] == "ok"


def test_a_worker_that_stopped_beating_a_minute_ago_is_dead(with_worker_backend: None) -> None:
    cache.set(worker.HEARTBEAT_KEY, time.time() - worker.DEAD_AFTER_SECONDS - 5)
    assert Client().get("/ready/").status_code == 503


def test_a_task_waiting_too_long_means_the_worker_is_stuck(with_worker_backend: None) -> None:
    worker.beat()
    from coopbuy.outbox.tasks import send_outbox

    send_outbox.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    ready = Client().get("/ready/")
    assert ready.status_code == 503 and ready.json()["worker"]["state"] == "stuck"


def test_the_immediate_backend_needs_no_worker() -> None:
    assert Client().get("/ready/").json()["worker"]["state"] == "not needed"
    assert Client().get("/health/").json()["status"] == "ok"


def test_the_worker_command_beats_while_it_runs(
    with_worker_backend: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command starts the heartbeat before the worker loop and stops it after."""
    from django.core.management import call_command
    from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

    seen_during_run: list[object] = []

    def worker_loop(self: object, *args: object, **options: object) -> None:
        seen_during_run.append(cache.get(worker.HEARTBEAT_KEY))

    monkeypatch.setattr(DbWorkerCommand, "handle", worker_loop)
    call_command("run_worker", "--batch")
    assert isinstance(seen_during_run[0], float)
