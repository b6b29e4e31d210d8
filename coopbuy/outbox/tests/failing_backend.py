"""A mail backend whose server is always down (for the retry test)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionError("server down")


class WatchingBackend(BaseEmailBackend):
    """Records whether the sender was inside a transaction (holding locks) when it sent."""

    in_transaction: list[bool] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        WatchingBackend.in_transaction.append(transaction.get_connection().in_atomic_block)
        return len(email_messages)


class Killed(BaseException):
    """What a sender killed mid-send looks like to the test: nothing after it runs."""


class SlowBackend(BaseEmailBackend):
    """The first send waits for `go` (a slow mail server), then delivers, fails (`fail`) or dies
    (`die`); later sends deliver at once. What was delivered is in `delivered`."""

    first_entered = threading.Event()
    go = threading.Event()
    fail = False
    die = False
    delivered: list[str] = []
    calls = 0

    @classmethod
    def reset(cls) -> None:
        cls.first_entered, cls.go = threading.Event(), threading.Event()
        cls.fail = cls.die = False
        cls.delivered, cls.calls = [], 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        SlowBackend.calls += 1
        if SlowBackend.calls == 1:
            SlowBackend.first_entered.set()
            if SlowBackend.die:
                raise Killed
            assert SlowBackend.go.wait(30), "the test never let the slow send finish"
            if SlowBackend.fail:
                raise ConnectionError("the server dropped the connection")
        SlowBackend.delivered.extend(str(m.subject) for m in email_messages)
        return len(email_messages)
