from django.contrib import admin

from coopbuy.interest.models import Interest


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin[Interest]):
    list_display = ("user", "postcode", "travel_km", "every", "can_host_pickup", "updated_at")
    search_fields = ("user__email", "postcode", "area")
