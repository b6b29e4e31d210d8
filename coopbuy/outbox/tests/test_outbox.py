from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from coopbuy.outbox.models import OutboxMessage
from coopbuy.outbox.services import outbox_enqueue, outbox_send_pending

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
