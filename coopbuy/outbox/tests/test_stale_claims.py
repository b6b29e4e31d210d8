"""Claims of a sender that died are handed back by themselves; a live sender's never are.

Two senders on two connections (a thread each, as two workers would be): the first is held inside
a slow send, or dies in it, while the second runs `outbox_send_pending` (which hands back stale
claims first). PostgreSQL only for those (SQLite serialises the two writers on the file). The
last test holds the whole send to COOPBUY_OUTBOX_SEND_TIMEOUT against a mail server that answers
one byte at a time, which the socket timeout alone would let run for ever.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from coopbuy.outbox.models import OutboxMessage
from coopbuy.outbox.sending import outbox_send_pending
from coopbuy.outbox.tests.failing_backend import Killed, SlowBackend

SLOW = {"default": {"BACKEND": "coopbuy.outbox.tests.failing_backend.SlowBackend"}}
two_connections = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent transactions"
)


class Sender:
    """Another worker: `outbox_send_pending` in a thread, on its own connection."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.error: list[BaseException] = []
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.sent.append(outbox_send_pending())
        except BaseException as error:  # `Killed` included: read by the test
            self.error.append(error)
        finally:
            connections.close_all()

    def join(self) -> int | BaseException:
        self.thread.join(30)
        assert not self.thread.is_alive(), "the other sender did not finish in 30 s"
        return self.error[0] if self.error else self.sent[0]


def _message(subject: str = "Hello") -> OutboxMessage:
    return OutboxMessage.objects.create(to=["a@example.org"], subject=subject, body="Body")


@pytest.fixture
def slow(settings: Any) -> type[SlowBackend]:
    SlowBackend.reset()
    settings.MAILERS = SLOW
    return SlowBackend


@pytest.mark.django_db(transaction=True)
@two_connections
def test_a_slow_sender_that_is_alive_keeps_its_claim_and_the_message_goes_out_once(
    settings: Any, slow: type[SlowBackend]
) -> None:
    settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT = 600
    message = _message()
    first = Sender()
    assert slow.first_entered.wait(10)  # the first sender claimed it and is talking to the server
    assert outbox_send_pending() == 0  # a second worker leaves it alone
    row = OutboxMessage.objects.get(pk=message.pk)
    assert row.claimed_at is not None and row.attempts == 1 and row.sent_at is None
    slow.go.set()
    assert first.join() == 1
    assert slow.delivered == ["Hello"]
    assert OutboxMessage.objects.get(pk=message.pk).sent_at is not None


@pytest.mark.django_db(transaction=True)
@two_connections
def test_a_message_whose_sender_died_goes_out_by_itself_once_the_claim_is_stale(
    settings: Any, slow: type[SlowBackend]
) -> None:
    settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT = 3
    slow.die = True
    message = _message()
    assert isinstance(Sender().join(), Killed)  # claimed, then killed before any outcome
    claimed = OutboxMessage.objects.get(pk=message.pk)
    assert claimed.claimed_at is not None and claimed.sent_at is None
    assert outbox_send_pending() == 0  # too young: its sender might be alive
    time.sleep(3.2)
    assert outbox_send_pending() == 1  # handed back and sent, with nobody running a command
    row = OutboxMessage.objects.get(pk=message.pk)
    assert slow.delivered == ["Hello"] and row.sent_at is not None and row.attempts == 2


@pytest.mark.django_db(transaction=True)
@two_connections
def test_a_sender_whose_claim_was_handed_back_cannot_undo_the_one_that_took_over(
    settings: Any, slow: type[SlowBackend]
) -> None:
    """A sender frozen past the claim timeout, whose send then fails: its outcome is fenced off
    (the attempt number), so it neither releases nor marks the message the next sender sent."""
    settings.COOPBUY_OUTBOX_CLAIM_TIMEOUT = 2
    slow.fail = True
    message = _message()
    frozen = Sender()
    assert slow.first_entered.wait(10)
    time.sleep(2.2)
    assert outbox_send_pending() == 1  # took it over and sent it
    slow.go.set()
    assert frozen.join() == 0
    row = OutboxMessage.objects.get(pk=message.pk)
    assert (row.attempts, row.last_error) == (2, "")
    assert row.sent_at is not None and row.claimed_at is not None
    assert slow.delivered == ["Hello"]


def _dribbling_server(stop: threading.Event) -> int:
    """A mail server that greets one byte every 0.2 s and never finishes (for 20 s at most)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port: int = listener.getsockname()[1]

    def serve() -> None:
        with listener:
            listener.settimeout(20)
            try:
                client, _address = listener.accept()
            except OSError:
                return
            deadline = time.monotonic() + 20
            with client:
                while time.monotonic() < deadline:
                    for byte in b"220-mail.example.org is thinking\r\n":
                        if stop.wait(0.2):
                            return
                        try:
                            client.sendall(bytes([byte]))
                        except OSError:  # the sender cut the connection
                            return

    threading.Thread(target=serve, daemon=True).start()
    return port


@pytest.mark.django_db
def test_a_mail_server_that_answers_a_byte_at_a_time_is_cut_off_at_the_send_timeout(
    settings: Any,
) -> None:
    stop = threading.Event()
    port = _dribbling_server(stop)
    settings.MAILERS = {
        "default": {
            "BACKEND": "coopbuy.outbox.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 1},
        }
    }
    settings.COOPBUY_OUTBOX_SEND_TIMEOUT = 2
    message = _message()
    started = time.monotonic()
    try:
        assert outbox_send_pending() == 0
    finally:
        stop.set()
    assert time.monotonic() - started < 8  # 2 s and the machine's slack, not the server's 20 s
    row = OutboxMessage.objects.get(pk=message.pk)
    assert "took more than 2 s" in row.last_error
    assert row.claimed_at is None and row.sent_at is None and row.attempts == 1
