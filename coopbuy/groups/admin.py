from django.contrib import admin

from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership


class MembershipInline(admin.TabularInline[Membership, BuyingGroup]):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(BuyingGroup)
class BuyingGroupAdmin(admin.ModelAdmin[BuyingGroup]):
    list_display = ("name", "slug", "place", "visibility", "join_policy", "created_at")
    list_filter = ("visibility", "join_policy", "currency")
    search_fields = ("name", "slug", "place")
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("group", "email", "role", "use_count", "max_uses", "expires_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("group__name", "email")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin[JoinRequest]):
    list_display = ("group", "user", "status", "created_at", "decided_at")
    list_filter = ("status",)
