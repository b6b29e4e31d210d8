"""The operator's view of rounds (read mostly: every write of a round goes through the services)."""

from django.contrib import admin

from coopbuy.rounds.models import ReceivingRecord, Round, RoundSchedule


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    list_display = ("name", "group", "status", "policy", "opens_at", "closes_at")
    list_filter = ("status", "policy")
    search_fields = ("name", "group__name")
    raw_id_fields = ("group", "created_by", "schedule")
    readonly_fields = ("status", "opened_at", "closed_at", "ordered_at", "received_at")


@admin.register(RoundSchedule)
class RoundScheduleAdmin(admin.ModelAdmin[RoundSchedule]):
    list_display = ("name", "group", "interval_weeks", "open_days", "is_active")
    raw_id_fields = ("group",)
    filter_horizontal = ("suppliers",)


@admin.register(ReceivingRecord)
class ReceivingRecordAdmin(admin.ModelAdmin[ReceivingRecord]):
    list_display = ("round", "product", "kind", "units_ordered", "units_received", "recorded_at")
    list_filter = ("kind",)
    raw_id_fields = ("round", "product", "recorded_by")
