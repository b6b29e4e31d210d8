"""Tenders in the admin site: read-only, and bids as metadata only (who, when, status).

Bid revisions and their lines (the prices) are deliberately not registered: before the deadline
nobody, staff and superusers included, may read a bid's content through the app; after it the
published award on the tender page is the place to read it.
"""

from django.contrib import admin

from coopbuy.tenders.models import Bid, Tender


class ReadOnly[M: (Tender, Bid)](admin.ModelAdmin[M]):
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Tender)
class TenderAdmin(ReadOnly[Tender]):
    list_display = ("title", "federation", "group", "status", "deadline")
    list_filter = ("status",)
    search_fields = ("title",)
    exclude = ("problem", "result")  # the problem holds the bids' prices


@admin.register(Bid)
class BidAdmin(ReadOnly[Bid]):
    list_display = ("tender", "supplier", "status", "first_submitted_at", "last_changed_at")
    list_filter = ("status",)
    fields = ("tender", "supplier", "status", "first_submitted_at", "last_changed_at")
