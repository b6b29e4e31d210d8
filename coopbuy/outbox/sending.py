"""Sending what the outbox holds: each message at most once, and no lock held while sending.

A message is *claimed* in a short transaction (`select_for_update(skip_locked=True)`, then
`claimed_at` and the attempt are written and committed); the mail server is reached after that
commit, with no row locked; the outcome is written in another short transaction. So two workers
never send the same message, a slow mail server blocks nobody, and a sender killed between the
claim and the outcome leaves the message claimed: it is not sent again by itself (at most once),
and `coopbuy send_outbox --release-stale MINUTES` hands such messages back after a person checked.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from coopbuy.outbox.models import OutboxMessage

MAX_ATTEMPTS = 5


def _claim(tried: list[int]) -> OutboxMessage | None:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, claimed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .exclude(pk__in=tried)
            .order_by("id")
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.claimed_at = timezone.now()
        message.save(update_fields=["attempts", "claimed_at"])
        return message


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body, to=message.to, headers=message.headers or None
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return email


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send up to `limit` pending messages; safe to run in several workers at once."""
    sent = 0
    tried: list[int] = []
    for _ in range(limit):
        message = _claim(tried)
        if message is None:
            break
        tried.append(message.pk)
        try:
            _email(message).send()
        except Exception as error:  # the mail server's failure is recorded, and retried later
            OutboxMessage.objects.filter(pk=message.pk).update(
                claimed_at=None, last_error=str(error)[:2000]
            )
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def outbox_release_stale(*, older_than: timedelta) -> int:
    """Hand back messages claimed long ago and never finished (a sender died mid-send)."""
    cutoff = timezone.now() - older_than
    return OutboxMessage.objects.filter(sent_at__isnull=True, claimed_at__lt=cutoff).update(
        claimed_at=None
    )
