"""A mail backend whose server is always down (for the retry test)."""

from __future__ import annotations

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
