"""Outgoing email for the operator: see what is pending or failing."""

from django.contrib import admin

from coopbuy.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ("subject", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("sent_at",)
    search_fields = ("subject",)
    readonly_fields = ("to", "subject", "body", "html", "created_at", "sent_at", "attempts")
