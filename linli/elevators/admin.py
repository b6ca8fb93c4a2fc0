"""The Django admin of the lift app (superusers only), for repairs, with the change history of every
row that has one. The committee's own pages are the project pages; cost shares, roster assignments and
photos are written only through their services (which compute and check them), so they are read-only
here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from linli.elevators.models import (
    CostPlan,
    CostShare,
    DutyAssignment,
    DutyRoster,
    LiftProject,
    OutreachEvent,
    PersuasionVisit,
    Photo,
    ProjectDocument,
    ProjectPerson,
    Stage,
    StageRecord,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Stage)
class StageAdmin(SimpleHistoryAdmin):
    """A community's stage list: rename a stage, or add one of its own (without a code). Stages with a
    code carry Linli's rules: keep their order."""

    list_display = ["community", "position", "name", "code"]
    list_filter = ["community"]
    ordering = ["community", "position"]


class StageRecordInline(admin.TabularInline):
    model = StageRecord
    extra = 0
    raw_id_fields = ["community", "recorded_by"]


class PersonInline(admin.TabularInline):
    model = ProjectPerson
    extra = 0
    raw_id_fields = ["community", "resident"]


@admin.register(LiftProject)
class LiftProjectAdmin(SimpleHistoryAdmin):
    list_display = ["entrance", "community", "status", "started_on"]
    list_filter = ["status", "community"]
    raw_id_fields = ["community", "building", "entrance", "consultation", "design_notice", "created_by"]
    inlines = [StageRecordInline, PersonInline]


@admin.register(PersuasionVisit)
class PersuasionVisitAdmin(SimpleHistoryAdmin):
    list_display = ["flat", "project", "visited_on", "attitude", "visited_by"]
    list_filter = ["attitude"]
    raw_id_fields = ["community", "project", "flat", "owner", "recorded_by"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "kind", "held_on"]
    list_filter = ["kind"]
    raw_id_fields = ["community", "project", "created_by"]
    filter_horizontal = ["attendees"]


class CostShareInline(admin.TabularInline):
    model = CostShare
    extra = 0
    can_delete = False
    readonly_fields = ["flat", "floor", "area", "coefficient", "share", "payer", "fund"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CostPlan)
class CostPlanAdmin(ReadOnly):
    list_display = ["project", "total_cost", "subsidy", "amount", "policy", "computed_at"]
    inlines = [CostShareInline]


@admin.register(DutyRoster)
class DutyRosterAdmin(ReadOnly):
    list_display = ["project", "starts_on", "ends_on", "solver_status", "generated_at"]


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(ReadOnly):
    list_display = ["roster", "day", "slot", "volunteer", "reminded_at"]


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(ReadOnly):
    list_display = ["title", "project", "stage", "uploaded_at"]
    exclude = ["file"]  # opened through the scoped, no-store view, never a media URL


@admin.register(Photo)
class PhotoAdmin(ReadOnly):
    list_display = ["caption", "project", "stage", "taken_on"]
    exclude = ["image", "thumbnail"]
