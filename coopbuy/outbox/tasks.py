"""The sender: enqueued after each commit that wrote messages, and by the sweep command."""

from __future__ import annotations

from django.tasks import task

from coopbuy.outbox.sending import outbox_send_pending


@task
def send_outbox() -> int:
    return outbox_send_pending()
