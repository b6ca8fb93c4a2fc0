"""The Django admin of the residents' portal (superusers only). Sign-in codes, failed attempts and
invitation codes are made by the portal's services alone (a code is only ever shown when it is made,
and only its keyed hash is kept), so nothing is added or changed here. A superuser may delete: a
failure row to lift a number's lock-out early, an invitation to stop it working at once. Hashes are
never shown."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.portal.models import HouseholdInvitation, SignInCode, SignInFailure


class NoWriteMixin:
    """No add or change; delete as the admin allows it (superusers)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SignInCode)
class SignInCodeAdmin(NoWriteMixin, admin.ModelAdmin):
    list_display = ["created_at", "expires_at", "used_at", "resident", "ip", "community"]
    list_filter = ["community"]
    search_fields = ["ip"]
    list_select_related = ["community", "resident"]
    date_hierarchy = "created_at"
    fields = ["community", "resident", "ip", "created_at", "expires_at", "used_at"]


@admin.register(SignInFailure)
class SignInFailureAdmin(NoWriteMixin, admin.ModelAdmin):
    list_display = ["at", "kind", "ip", "locks_until"]
    list_filter = ["kind"]  # no community: a wrong code belongs to nobody yet
    search_fields = ["ip"]
    date_hierarchy = "at"
    fields = ["kind", "ip", "at", "locks_until"]


@admin.register(HouseholdInvitation)
class HouseholdInvitationAdmin(NoWriteMixin, SimpleHistoryAdmin):
    list_display = ["household", "created_at", "created_by", "community"]
    list_filter = ["community"]
    search_fields = ["household__flat__building__number", "household__flat__number"]
    list_select_related = [
        "community",
        "household__flat__entrance",
        "household__flat__building",
        "created_by",
    ]
    fields = ["community", "household", "created_at", "created_by"]
