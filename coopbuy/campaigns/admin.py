from django.contrib import admin

from coopbuy.campaigns.models import Campaign, CampaignTier, Pledge


class TierInline(admin.TabularInline[CampaignTier, Campaign]):
    model = CampaignTier
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin[Campaign]):
    list_display = ("title", "group", "status", "deadline", "unit_price")
    list_filter = ("status",)
    search_fields = ("title", "code")
    readonly_fields = ("status", "unit_price", "ended_at", "end_reason", "code")
    inlines = [TierInline]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin[Pledge]):
    """Read-only: pledges change only through their services (holds and charges follow them)."""

    list_display = ("campaign", "user", "quantity", "max_price", "status", "payment")
    list_filter = ("status", "payment")

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
