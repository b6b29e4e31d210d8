"""Writing to the outbox, inside the caller's transaction; `sending.py` sends after commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from coopbuy.outbox.models import OutboxAttachment, OutboxMessage
from coopbuy.outbox.tasks import send_outbox


@dataclass(frozen=True)
class Email:
    """A message to queue; attachments are (filename, content, mimetype)."""

    to: Sequence[str]
    subject: str
    body: str
    html: str = ""
    attachments: Sequence[tuple[str, bytes, str]] = ()
    headers: Mapping[str, str] = field(default_factory=dict)


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
            OutboxMessage(
                to=list(e.to),
                subject=e.subject[:300],
                body=e.body,
                html=e.html,
                headers=dict(e.headers),
            )
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
