"""Recurring rounds and the deadline task."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.schedules import next_closing, schedule_create
from coopbuy.rounds.services import round_create, round_open
from coopbuy.rounds.tasks import close_round
from coopbuy.rounds.tests.factories import make_product, make_supplier
from coopbuy.testing.factories import make_group, make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_every_other_tuesday_at_eight_stays_at_eight_across_the_clock_change() -> None:
    before = datetime(2026, 10, 20, 20, 0, tzinfo=LONDON)  # a Tuesday in British Summer Time
    after = next_closing(before, 2)
    assert after == datetime(2026, 11, 3, 20, 0, tzinfo=LONDON)  # GMT by then
    assert after.weekday() == 1 and timezone.localtime(after).hour == 20


def test_closing_a_scheduled_round_opens_the_next_one() -> None:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats")
    schedule = schedule_create(
        group=group, actor=coordinator, name="Fortnightly", suppliers=[supplier],
        interval_weeks=2, open_days=10, markup_percent=Decimal("4"),
    )  # fmt: skip
    now = timezone.now()
    first = round_create(
        group=group, actor=coordinator, name="First", suppliers=[supplier],
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1),
    )  # fmt: skip
    Round.objects.filter(pk=first.pk).update(schedule=schedule)
    first.refresh_from_db()
    round_open(round=first, actor=coordinator)
    round_close(round=first, actor=None, now=first.closes_at)
    nxt = Round.objects.get(schedule=schedule, status=Round.Status.OPEN)
    assert nxt.closes_at == next_closing(first.closes_at, 2)
    assert nxt.markup_rate == Decimal("0.0400")
    assert RoundProduct.objects.filter(round=nxt, name="Oats").exists()
    # closing again creates nothing more
    round_close(round=first, actor=None)
    assert Round.objects.filter(schedule=schedule).count() == 2  # the first and the next


def test_the_close_task_ignores_rounds_not_due_or_already_closed() -> None:
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier)
    now = timezone.now()
    round = round_create(
        group=group, actor=coordinator, name="R", suppliers=[supplier],
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1),
    )  # fmt: skip
    round_open(round=round, actor=coordinator)
    assert close_round.call(round.pk) is False  # not due yet
    Round.objects.filter(pk=round.pk).update(closes_at=now - timedelta(seconds=1))
    assert close_round.call(round.pk) is True
    assert close_round.call(round.pk) is False  # stale: already closed
    assert Round.objects.get(pk=round.pk).status == Round.Status.CLOSED


def test_opening_and_moving_the_deadline_enqueue_the_close_for_that_time(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.tasks import task_backends
    from django.test import Client
    from django.urls import reverse

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier)
    now = timezone.now().replace(second=0, microsecond=0)
    round = round_create(
        group=group, actor=coordinator, name="R", suppliers=[supplier],
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=2),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        round_open(round=round, actor=coordinator)
    later = timezone.localtime(now + timedelta(days=3))
    client = Client()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("rounds:deadline", args=[group.slug, round.pk]),
            {"closes_at": later.strftime("%Y-%m-%dT%H:%M")},
        )
    runs = [
        (r.task.name, r.task.run_after, r.args)
        for r in backend.results  # type: ignore[attr-defined]
        if r.task.name != "send_outbox"  # the "round is open" emails
    ]
    assert runs == [
        ("close_round", now + timedelta(days=2), [round.pk]),
        ("remind_closing", now + timedelta(days=1), [round.pk]),  # 24 hours before
        ("close_round", now + timedelta(days=3), [round.pk]),
        ("remind_closing", now + timedelta(days=2), [round.pk]),
    ]
    assert Round.objects.get(pk=round.pk).closes_at == now + timedelta(days=3)


def test_the_sweep_closes_rounds_whose_task_was_missed() -> None:
    from django.core.management import call_command

    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier)
    now = timezone.now()
    due, _later = (
        round_open(
            round=round_create(
                group=group, actor=coordinator, name=name, suppliers=[supplier],
                opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1),
            ),
            actor=coordinator,
        )
        for name in ("Due", "Later")
    )  # fmt: skip
    Round.objects.filter(pk=due.pk).update(closes_at=now - timedelta(minutes=5))
    call_command("close_due_rounds")
    statuses = dict(Round.objects.values_list("name", "status"))
    assert statuses == {"Due": "closed", "Later": "open"}


def test_repeat_a_round_from_its_page() -> None:
    from django.test import Client
    from django.urls import reverse

    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier, name="Oats")
    now = timezone.now()
    round = round_open(
        round=round_create(
            group=group, actor=coordinator, name="Tuesday", suppliers=[supplier],
            opens_at=now - timedelta(days=3), closes_at=now + timedelta(days=4),
            policy="proportional",
        ),
        actor=coordinator,
    )  # fmt: skip
    client = Client()
    client.force_login(coordinator)
    client.post(reverse("rounds:repeat", args=[group.slug, round.pk]), {"interval_weeks": "2"})
    round.refresh_from_db()
    assert round.schedule is not None and round.schedule.interval_weeks == 2
    page = client.get(reverse("rounds:detail", args=[group.slug, round.pk])).content.decode()
    assert "Repeats every 2 week(s)" in page
    round_close(round=round, actor=coordinator)
    nxt = Round.objects.exclude(pk=round.pk).get()
    assert (nxt.status, nxt.policy, nxt.schedule_id) == ("open", "proportional", round.schedule_id)


def test_a_failed_deadline_close_is_told_once_and_the_sweep_goes_on(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail
    from django.core.management import call_command

    from coopbuy.audit.models import AuditEvent
    from coopbuy.rounds import tasks

    coordinator = make_user("Cora")
    group = make_group(coordinator)
    supplier = make_supplier(group)
    make_product(supplier)
    now = timezone.now()
    broken, _fine = (
        round_open(
            round=round_create(
                group=group, actor=coordinator, name=name, suppliers=[supplier],
                opens_at=now - timedelta(days=1), closes_at=now + timedelta(hours=1),
            ),
            actor=coordinator,
        )
        for name in ("Broken", "Fine")
    )  # fmt: skip
    Round.objects.update(closes_at=now - timedelta(minutes=5))
    real_close = round_close

    def close_or_fail(*, round: Round, actor: Any) -> Any:
        if round.pk == broken.pk:
            raise RuntimeError("engine exploded")
        return real_close(round=round, actor=actor)

    monkeypatch.setattr(tasks, "round_close", close_or_fail)
    mail.outbox.clear()
    for _ in range(2):  # the sweep meets the same failure twice
        with django_capture_on_commit_callbacks(execute=True):
            call_command("close_due_rounds")
    statuses = dict(Round.objects.values_list("name", "status"))
    assert statuses == {"Broken": "open", "Fine": "closed"}
    assert AuditEvent.objects.filter(action="round.close_failed").count() == 2
    told = [m for m in mail.outbox if "did not close" in m.subject]
    assert len(told) == 1 and told[0].to == [coordinator.email]
    assert "RuntimeError" in told[0].body and "still open" in told[0].body
