"""Sending what the outbox holds: each message at most once while its sender lives, no lock held
while sending, and a message whose sender died handed back by itself.

A message is *claimed* in a short transaction (`select_for_update(skip_locked=True)`, then
`claimed_at` and the attempt are written and committed); the mail server is reached after that
commit, with no row locked; the outcome is written in another short transaction. So two workers
never send the same message, and a slow mail server blocks nobody.

A sender killed between the claim and the outcome leaves the message claimed. Every send first
hands back the claims older than `COOPBUY_OUTBOX_CLAIM_TIMEOUT` seconds (`outbox_release_stale`),
and so does the worker's heartbeat (`coopbuy.outbox.tasks.outbox_sweep_stale_claims`), so such a
message goes out again minutes later without anyone running `coopbuy send_outbox --release-stale`.

Why this never sends a message twice while its first sender is alive: a live sender is done with
a message within `COOPBUY_OUTBOX_SEND_TIMEOUT` seconds of claiming it. Each wait on the mail
server is bounded by the SMTP socket timeout (`EMAIL_TIMEOUT`, set on the mailer), and the whole
conversation by the send timeout: past it, a watchdog shuts the connection down and the send
fails (a server answering one byte at a time cannot stretch it). The claim timeout must exceed the
send timeout, with room for the two short transactions (settings refuse a claim timeout under
twice the send timeout), so a claim older than it belongs to a sender that is dead (or frozen: a
process stopped longer than the claim timeout may still send once it resumes; nothing can bound
that). Claims and the release are timed by the database's clock, so workers on hosts whose
clocks differ agree. Every outcome is written only if the claim is still the sender's own (the
attempt number is the fencing token): a sender whose claim was handed back cannot release or
undo the claim of the sender that took the message over.

A sender killed after the mail server took a message and before it recorded that, is the one case
where a message can go out twice (once from it, once after the release): at least once for those,
at most once for everything a live sender handles.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import DurationField, F, Value
from django.db.models.functions import Now

from coopbuy.outbox.models import OutboxMessage

MAX_ATTEMPTS = 5


def claim_timeout() -> timedelta:
    """How old a claim must be before it is handed back (`COOPBUY_OUTBOX_CLAIM_TIMEOUT`)."""
    return timedelta(seconds=settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT)


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
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=F("attempts") + 1, claimed_at=Now()
        )
        message.attempts += 1  # this sender's fencing token
        return message


def _ours(message: OutboxMessage) -> Any:
    """The message's row, as long as no other sender took it over since this one claimed it."""
    return OutboxMessage.objects.filter(
        pk=message.pk, attempts=message.attempts, sent_at__isnull=True
    )


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body, to=message.to, headers=message.headers or None
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return email


class SendTimedOut(TimeoutError):
    pass


def _cut_off(mailer: object, expired: threading.Event) -> None:
    expired.set()
    cut = getattr(mailer, "cut", None)  # `coopbuy.outbox.smtp.EmailBackend`; local mailers: none
    if cut is not None:
        cut()


def send_within(email: EmailMultiAlternatives, seconds: float) -> None:
    """Send `email` through the default mailer, giving up after `seconds` in all: past them, the
    mailer's connection is shut down (`coopbuy.outbox.smtp`) and `SendTimedOut` raised."""
    mailer = mail.mailers.default
    expired = threading.Event()
    watchdog = threading.Timer(seconds, _cut_off, args=(mailer, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        mailer.send_messages([email])
    except Exception:
        if expired.is_set():
            raise SendTimedOut(f"the mail server took more than {seconds:g} s") from None
        raise
    finally:
        watchdog.cancel()
        mailer.close()  # and its sockets' duplicates (`coopbuy.outbox.smtp`)


def outbox_send_pending(*, limit: int = 500) -> int:
    """Send up to `limit` pending messages; safe to run in several workers at once.

    Claims older than the claim timeout (their sender died) are handed back first.
    """
    outbox_release_stale(older_than=claim_timeout())
    sent = 0
    tried: list[int] = []
    for _ in range(limit):
        message = _claim(tried)
        if message is None:
            break
        tried.append(message.pk)
        try:
            send_within(_email(message), settings.COOPBUY_OUTBOX_SEND_TIMEOUT)
        except Exception as error:  # the mail server's failure is recorded, and retried later
            _ours(message).update(claimed_at=None, last_error=str(error)[:2000])
            continue
        _ours(message).update(sent_at=Now())
        sent += 1
    return sent


def outbox_release_stale(*, older_than: timedelta) -> int:
    """Hand back messages claimed more than `older_than` ago and never finished (their sender
    died), by the database's clock; how many."""
    cutoff = Now() - Value(older_than, output_field=DurationField())
    return OutboxMessage.objects.filter(sent_at__isnull=True, claimed_at__lt=cutoff).update(
        claimed_at=None
    )
