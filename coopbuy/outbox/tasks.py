"""The sender: enqueued after each commit that wrote messages, by the sweep command, and again by
the worker's heartbeat when it hands back the claims of a sender that died."""

from __future__ import annotations

from django.tasks import task

from coopbuy.outbox.sending import claim_timeout, outbox_release_stale, outbox_send_pending


@task
def send_outbox() -> int:
    return outbox_send_pending()


def outbox_sweep_stale_claims() -> int:
    """Hand back the claims older than the claim timeout (their sender died) and, when there were
    any, enqueue a send for them; how many. Quick (one UPDATE): the worker's heartbeat runs it."""
    released = outbox_release_stale(older_than=claim_timeout())
    if released:
        send_outbox.enqueue()
    return released
