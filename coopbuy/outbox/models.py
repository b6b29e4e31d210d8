"""Outgoing email kept in the database until it is sent.

A service writes its messages inside its own transaction (`outbox_enqueue`), so an email exists if
and only if the change it reports committed; the sender runs after commit and retries stragglers.
"""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    to = models.JSONField()  # a list of addresses
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)  # extra headers, e.g. List-Unsubscribe
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # a sender is on it (sending.py)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(
                fields=["id"], name="outbox_pending", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.subject


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    mimetype = models.CharField(max_length=100)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.filename
