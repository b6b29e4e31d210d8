from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from coopbuy.outbox.models import OutboxMessage
from coopbuy.outbox.sending import outbox_release_stale, outbox_send_pending
from coopbuy.outbox.services import outbox_enqueue
from coopbuy.outbox.tests.failing_backend import WatchingBackend
from coopbuy.web.worker import sweep

pytestmark = pytest.mark.django_db


def test_messages_are_sent_after_commit_with_attachments(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox_enqueue(
            to=["a@example.org"],
            subject="Hello",
            body="Body",
            html="<p>Body</p>",
            attachments=[("order.csv", b"a,b\n", "text/csv")],
        )
        assert mail.outbox == []
    (message,) = mail.outbox
    assert message.subject == "Hello" and message.attachments[0][0] == "order.csv"
    assert OutboxMessage.objects.get().sent_at is not None


def test_nothing_is_sent_for_a_rolled_back_change(django_capture_on_commit_callbacks: Any) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_enqueue(to=["a@example.org"], subject="Hello", body="Body")
        raise RuntimeError
    assert mail.outbox == [] and not OutboxMessage.objects.exists()


def test_failures_are_recorded_and_the_sweep_sends_stragglers(settings: Any) -> None:
    with transaction.atomic():
        outbox_enqueue(to=["a@example.org"], subject="Later", body="Body")
    locmem = settings.MAILERS
    settings.MAILERS = {
        "default": {"BACKEND": "coopbuy.outbox.tests.failing_backend.FailingBackend"}
    }
    assert outbox_send_pending() == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1 and "server down" in message.last_error
    settings.MAILERS = locmem
    call_command("send_outbox")
    assert len(mail.outbox) == 1 and OutboxMessage.objects.get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        outbox_enqueue(to=["a@example.org"], subject="x", body="y")


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_reached_outside_any_transaction(settings: Any) -> None:
    """No row (not even the message's) is locked while a slow mail server is talked to."""

    settings.MAILERS = {
        "default": {"BACKEND": "coopbuy.outbox.tests.failing_backend.WatchingBackend"}
    }
    WatchingBackend.in_transaction.clear()
    with transaction.atomic():
        outbox_enqueue(to=["a@example.org"], subject="One", body="Body")
        outbox_enqueue(to=["b@example.org"], subject="Two", body="Body")
    outbox_send_pending()
    assert WatchingBackend.in_transaction == [False, False]


def test_a_claim_is_kept_for_the_claim_timeout_then_the_next_send_hands_it_back(
    settings: Any,
) -> None:
    """A message claimed by a sender that died goes out again by itself, once its claim is older
    than COOPBUY_OUTBOX_CLAIM_TIMEOUT; a younger claim may be a live sender's, and is kept."""
    settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT = 600
    with transaction.atomic():
        message = outbox_enqueue(to=["a@example.org"], subject="Once", body="Body")
    claimed = OutboxMessage.objects.filter(pk=message.pk)
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=5), attempts=1)
    assert outbox_send_pending() == 0 and mail.outbox == []
    assert outbox_release_stale(older_than=timedelta(hours=1)) == 0
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert outbox_send_pending() == 1 and len(mail.outbox) == 1
    assert claimed.get().attempts == 2 and claimed.get().sent_at is not None
    assert outbox_send_pending() == 0 and len(mail.outbox) == 1


def test_the_workers_heartbeat_hands_back_stale_claims_and_sends_them(settings: Any) -> None:
    settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT = 600
    with transaction.atomic():
        message = outbox_enqueue(to=["a@example.org"], subject="Stranded", body="Body")
    claimed = OutboxMessage.objects.filter(pk=message.pk)
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=1), attempts=1)
    assert sweep() == 0 and mail.outbox == []
    claimed.update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert sweep() == 1  # handed back, and a send enqueued (run at once in the tests)
    assert [m.subject for m in mail.outbox] == ["Stranded"]
