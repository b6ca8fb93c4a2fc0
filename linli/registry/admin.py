from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.registry.models import (
    Building,
    Consent,
    Entrance,
    Estate,
    Flat,
    Household,
    ImportJob,
    Owner,
    Ownership,
    PartyBranch,
    Resident,
    Tag,
)


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["name", "community"]
    list_filter = ["community"]


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "estate", "floors", "community"]
    list_filter = ["community"]
    raw_id_fields = ["community", "estate"]


@admin.register(Entrance)
class EntranceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "has_lift", "community"]
    raw_id_fields = ["community", "building"]


@admin.register(Flat)
class FlatAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "floor", "area", "community"]
    raw_id_fields = ["community", "building", "entrance"]
    list_select_related = ["building", "entrance__building", "community"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "tenure", "is_active", "community"]
    raw_id_fields = ["community", "flat"]
    list_select_related = ["flat__building", "flat__entrance__building", "community"]


@admin.register(PartyBranch)
class PartyBranchAdmin(admin.ModelAdmin):
    list_display = ["name", "community"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_key"]


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    """Superusers only. Sensitive fields are left out of the list; the change form shows them because the
    admin is the operator's console, not a committee screen."""

    list_display = ["name", "gender", "birth_date", "registration_type", "moved_out", "community"]
    list_filter = ["registration_type", "gender"]
    search_fields = ["name", "name_pinyin", "name_initials"]
    raw_id_fields = ["community", "household", "party_branch"]
    filter_horizontal = ["tags"]
    list_select_related = ["community"]


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ["community", "flat"]


@admin.register(Owner)
class OwnerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "community"]
    raw_id_fields = ["community", "resident"]
    inlines = [OwnershipInline]


@admin.register(Ownership)
class OwnershipAdmin(SimpleHistoryAdmin):
    list_display = ["owner", "flat", "share_numerator", "share_denominator"]
    raw_id_fields = ["community", "owner", "flat"]


@admin.register(Consent)
class ConsentAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "purpose", "given_on", "withdrawn_on", "community"]
    list_filter = ["purpose"]
    raw_id_fields = ["community", "resident", "guardian", "recorded_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "kind",
        "status",
        "progress",
        "total_rows",
        "created_by",
        "created_at",
        "community",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = ["report", "error", "progress", "total_rows", "finished_at"]
    raw_id_fields = ["community", "created_by"]
