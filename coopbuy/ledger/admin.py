"""Read-only views of the ledger for the platform operator: money is moved only by the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from coopbuy.ledger.models import Account, Entry, Transaction


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(ReadOnly, admin.TabularInline[Entry, Transaction]):
    model = Entry
    extra = 0
    fields = ("account", "amount")


@admin.register(Account)
class AccountAdmin(ReadOnly, admin.ModelAdmin[Account]):
    list_display = ("name", "group", "kind", "payment_reference", "balance")
    list_filter = ("kind",)
    search_fields = ("name", "group__name", "payment_reference")


@admin.register(Transaction)
class TransactionAdmin(ReadOnly, admin.ModelAdmin[Transaction]):
    list_display = ("pk", "group", "kind", "description", "booked_on", "created_by")
    list_filter = ("kind",)
    search_fields = ("description", "group__name", "external_reference", "round_reference")
    inlines = [EntryInline]
