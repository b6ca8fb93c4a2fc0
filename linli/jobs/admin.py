from django.contrib import admin

from linli.jobs.models import JobRun, JobRunNote


class NoteInline(admin.TabularInline):
    model = JobRunNote
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "attempt", "level", "community", "message"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: runs are the machine's record; the staff page retries failed ones."""

    list_display = ["key", "status", "attempts", "community", "created_at", "finished_at"]
    list_filter = ["status", "name"]
    search_fields = ["key"]
    inlines = [NoteInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
