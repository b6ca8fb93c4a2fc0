"""Read-only views of the machine's records (messages, deliveries, digests); preferences are people's own
and are changed on their settings page."""

from django.contrib import admin

from linli.notifications.models import Delivery, Digest, DutyReminder, Notification, Preference


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "error", "sent_at"]
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ["title", "recipient", "kind", "mode", "created_at", "read_at"]
    list_filter = ["kind", "mode"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["pk", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["channel", "status"]


@admin.register(Digest)
class DigestAdmin(ReadOnly):
    list_display = ["title", "recipient", "day", "item_count"]


@admin.register(DutyReminder)
class DutyReminderAdmin(ReadOnly):
    list_display = ["duty", "starts_at", "outcome", "reason", "created_at"]
    list_filter = ["outcome"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnly):
    list_display = ["user", "kind", "mode", "channels", "updated_at"]
