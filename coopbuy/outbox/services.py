"""Writing to the outbox (inside the caller's transaction) and sending what is pending."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from coopbuy.outbox.models import OutboxAttachment, OutboxMessage

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Email:
    """A message to queue; attachments are (filename, content, mimetype)."""

    to: Sequence[str]
    subject: str
    body: str
    html: str = ""
    attachments: Sequence[tuple[str, bytes, str]] = ()


def outbox_enqueue_many(emails: Sequence[Email]) -> list[OutboxMessage]:
    """Queue messages in the caller's transaction; they are sent after it commits.

    Must run inside a transaction (the messages belong to the change they report): a rolled-back
    change leaves no message behind, and a committed one always gets its message sent.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the caller's transaction")
    messages = OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(to=list(e.to), subject=e.subject[:300], body=e.body, html=e.html)
            for e in emails
        ],
        batch_size=2000,
    )
    attachments = [
        OutboxAttachment(message=m, filename=name, content=content, mimetype=mimetype)
        for m, e in zip(messages, emails, strict=True)
        for name, content, mimetype in e.attachments
    ]
    if attachments:
        OutboxAttachment.objects.bulk_create(attachments)
    if messages:
        from coopbuy.outbox.tasks import send_outbox

        transaction.on_commit(lambda: send_outbox.enqueue(), robust=True)
    return messages


def outbox_enqueue(
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    html: str = "",
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> OutboxMessage:
    return outbox_enqueue_many([Email(to, subject, body, html, attachments)])[0]


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send up to `limit` pending messages; safe to run in several workers at once.

    Each message is claimed with `select_for_update(skip_locked=True)` in its own short
    transaction, so two workers never send the same one; a failure is recorded and retried later
    (up to `MAX_ATTEMPTS`). The mail server is reached while one row is locked, never a round.
    """
    sent = 0
    tried: list[int] = []
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .exclude(pk__in=tried)
                .order_by("id")
                .first()
            )
            if message is None:
                break
            email = EmailMultiAlternatives(
                subject=message.subject, body=message.body, to=message.to
            )
            if message.html:
                email.attach_alternative(message.html, "text/html")
            for attachment in message.attachments.all():
                email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
            message.attempts += 1
            tried.append(message.pk)
            try:
                email.send()
            except Exception as error:
                message.last_error = str(error)[:2000]
                message.save(update_fields=["attempts", "last_error"])
                continue
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "sent_at"])
            sent += 1
    return sent
