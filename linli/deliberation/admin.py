"""The Django admin of the deliberation app (superusers only): consultations, meetings, conventions and
notices, for repairs, with the change history of every row that keeps one.

What a vote is made of is shown and never changed here: the electorate (`Voter`, fixed when the
consultation opens), the ballots, their answers and the refused attempts are written once by
services_votes and are evidence. Their admins refuse add, change and delete, whoever asks. A ballot's
photo and proxy document are not linked from here: they open only through the consultation page's view,
which checks the scope and logs the look (views_votes.ballot_photo).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from linli.deliberation.models import (
    AgendaItem,
    Answer,
    Attendance,
    Ballot,
    Choice,
    Consultation,
    ConsultationStatus,
    Convention,
    ConventionSignature,
    ConventionSuggestion,
    ConventionVersion,
    FollowUpTask,
    Invitee,
    Meeting,
    Minutes,
    Notice,
    NoticeAttachment,
    NoticeRead,
    Objection,
    Question,
    Resolution,
    VoteAttemptLog,
    Voter,
)


class ReadOnlyMixin:
    """Shown, never written: no add, change or delete in the admin (superusers included)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True


# ── Votes ──────────────────────────────────────────────────────────────────────────────────────────


def _opened(consultation) -> bool:
    """Once a consultation has opened, its questions and choices are what the ballots answered, and its
    electorate, weighting and rule what the result is counted by: a repair must not rewrite them."""
    return consultation is not None and consultation.status != ConsultationStatus.DRAFT


class FrozenOnceOpenMixin:
    """Every field read-only, and no add or delete, once the row's consultation has opened."""

    def _consultation(self, obj):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        if _opened(self._consultation(obj)):
            return [f.name for f in self.model._meta.fields if not f.auto_created]
        return super().get_readonly_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        if _opened(self._consultation(obj)):
            return False
        if isinstance(self, admin.options.InlineModelAdmin):
            return super().has_add_permission(request, obj)
        return super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        if _opened(self._consultation(obj)):
            return False
        return super().has_delete_permission(request, obj)


class QuestionInline(FrozenOnceOpenMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "text", "kind"]
    show_change_link = True

    def _consultation(self, obj):
        return obj  # the parent: a consultation


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "electorate", "weighting", "opens_at", "closes_at", "community"]
    list_filter = ["community", "status", "electorate", "weighting"]
    search_fields = ["title"]
    date_hierarchy = "opens_at"
    raw_id_fields = ["community", "group", "created_by"]
    filter_horizontal = ["buildings"]
    readonly_fields = ["opened_at", "closed_at", "created_at"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _opened(obj):
            fields += ["electorate", "buildings", "group", "weighting", "threshold", "opens_at"]
        return fields

    def has_delete_permission(self, request, obj=None):
        return not _opened(obj) and super().has_delete_permission(request, obj)


class ChoiceInline(FrozenOnceOpenMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["position", "text", "in_favour"]

    def _consultation(self, obj):
        return obj.consultation if obj is not None else None  # the parent: a question


@admin.register(Question)
class QuestionAdmin(FrozenOnceOpenMixin, SimpleHistoryAdmin):
    list_display = ["text", "kind", "position", "consultation", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["text", "consultation__title"]
    list_select_related = ["consultation"]
    raw_id_fields = ["community", "consultation"]
    inlines = [ChoiceInline]

    def _consultation(self, obj):
        return obj.consultation if obj is not None else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "consultation":  # a question is added to a draft only
            kwargs["queryset"] = Consultation.objects.filter(status=ConsultationStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Choice)
class ChoiceAdmin(FrozenOnceOpenMixin, SimpleHistoryAdmin):
    list_display = ["text", "in_favour", "position", "question", "community"]
    list_filter = ["community", "in_favour"]
    search_fields = ["text", "question__text"]
    list_select_related = ["question"]
    raw_id_fields = ["community", "question"]

    def _consultation(self, obj):
        return obj.question.consultation if obj is not None else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question":  # a choice is added to a draft's question only
            kwargs["queryset"] = Question.objects.filter(consultation__status=ConsultationStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Voter)
class VoterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "consultation", "flat", "weight_numerator", "weight_denominator", "community"]
    list_filter = ["community"]
    search_fields = ["consultation__title", "resident__name", "owner__name"]
    list_select_related = ["consultation", "resident", "owner", "flat__entrance", "flat__building"]
    raw_id_fields = ["community", "consultation", "resident", "owner", "household", "flat", "building"]


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["question", "choice"]
    show_change_link = False


@admin.register(Ballot)
class BallotAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "method", "cast_at", "has_photo", "has_proxy_document", "community"]
    list_filter = ["community", "method"]
    search_fields = ["consultation__title", "voter__resident__name", "voter__owner__name", "proxy_name"]
    list_select_related = ["consultation", "voter__resident", "voter__owner"]
    date_hierarchy = "cast_at"
    # The files themselves are left out: the admin would link them by their media URL, around the
    # scoped, logged view.
    fields = [
        "community",
        "consultation",
        "voter",
        "method",
        "recorded_by",
        "cast_at",
        "has_photo",
        "proxy_name",
        "has_proxy_document",
    ]
    readonly_fields = fields
    inlines = [AnswerInline]

    @admin.display(boolean=True, description=_("有签字表决票照片"))
    def has_photo(self, obj) -> bool:
        return bool(obj.photo)

    @admin.display(boolean=True, description=_("有书面委托书"))
    def has_proxy_document(self, obj) -> bool:
        return bool(obj.proxy_document)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["ballot", "question", "choice", "community"]
    list_filter = ["community"]
    search_fields = ["question__text", "choice__text", "ballot__consultation__title"]
    list_select_related = [
        "ballot__consultation",
        "ballot__voter__resident",
        "ballot__voter__owner",
        "question",
        "choice",
    ]


@admin.register(VoteAttemptLog)
class VoteAttemptLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "consultation", "reason", "method", "user", "community"]
    list_filter = ["community", "method"]
    search_fields = ["reason", "consultation__title", "user__username"]
    list_select_related = ["consultation", "user"]
    date_hierarchy = "at"


# ── Meetings ───────────────────────────────────────────────────────────────────────────────────────


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "notes"]


class InviteeInline(admin.TabularInline):
    model = Invitee
    extra = 0
    raw_id_fields = ["community", "resident"]


class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 0
    raw_id_fields = ["community", "recorded_by"]


class FollowUpTaskInline(admin.TabularInline):
    model = FollowUpTask
    extra = 0
    raw_id_fields = ["community", "owner"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "level", "status", "starts_at", "place", "community"]
    list_filter = ["community", "level", "status"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["community", "created_by"]
    filter_horizontal = ["buildings"]
    inlines = [AgendaItemInline, InviteeInline, ResolutionInline, FollowUpTaskInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "position", "meeting", "community"]
    list_filter = ["community"]
    search_fields = ["title", "meeting__title"]
    raw_id_fields = ["community", "meeting"]


@admin.register(Invitee)
class InviteeAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "meeting", "community"]
    list_filter = ["community"]
    search_fields = ["resident__name", "meeting__title"]
    raw_id_fields = ["community", "meeting", "resident"]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "meeting", "method", "at", "recorded_by", "community"]
    list_filter = ["community", "method"]
    search_fields = ["resident__name", "meeting__title"]
    raw_id_fields = ["community", "meeting", "resident", "recorded_by"]


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "recorder", "approved", "approved_at", "community"]
    list_filter = ["community", "approved"]
    search_fields = ["meeting__title", "text"]
    raw_id_fields = ["community", "meeting", "recorder"]


@admin.register(Resolution)
class ResolutionAdmin(SimpleHistoryAdmin):
    list_display = ["text", "meeting", "votes_for", "votes_against", "votes_abstain", "passed", "community"]
    list_filter = ["community", "passed"]
    search_fields = ["text", "meeting__title"]
    raw_id_fields = ["community", "meeting", "recorded_by"]


@admin.register(FollowUpTask)
class FollowUpTaskAdmin(SimpleHistoryAdmin):
    list_display = ["text", "meeting", "owner", "due_on", "done_at", "community"]
    list_filter = ["community"]
    search_fields = ["text", "meeting__title"]
    raw_id_fields = ["community", "meeting", "owner"]


# ── Conventions ────────────────────────────────────────────────────────────────────────────────────


class ConventionVersionInline(admin.TabularInline):
    model = ConventionVersion
    extra = 0
    fields = ["number", "note", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "adopted_on", "community"]
    list_filter = ["community", "status"]
    search_fields = ["title"]
    raw_id_fields = ["community", "adopted_version", "consultation", "adopted_by", "created_by"]
    filter_horizontal = ["buildings"]
    inlines = [ConventionVersionInline]


@admin.register(ConventionVersion)
class ConventionVersionAdmin(SimpleHistoryAdmin):
    list_display = ["convention", "number", "note", "created_at", "community"]
    list_filter = ["community"]
    search_fields = ["convention__title", "text"]
    raw_id_fields = ["community", "convention", "created_by"]


@admin.register(ConventionSuggestion)
class ConventionSuggestionAdmin(SimpleHistoryAdmin):
    list_display = ["convention", "kind", "created_at", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["convention__title", "text"]
    raw_id_fields = ["community", "convention", "version", "author", "household"]


@admin.register(ConventionSignature)
class ConventionSignatureAdmin(SimpleHistoryAdmin):
    list_display = ["convention", "household", "resident", "method", "signed_at", "community"]
    list_filter = ["community", "method"]
    search_fields = ["convention__title", "resident__name"]
    raw_id_fields = ["community", "convention", "version", "household", "resident", "recorded_by"]


# ── Notices ────────────────────────────────────────────────────────────────────────────────────────


class NoticeAttachmentInline(admin.TabularInline):
    model = NoticeAttachment
    extra = 0
    fields = ["name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # uploads are checked by services_notices


@admin.register(Notice)
class NoticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "starts_at", "ends_at", "closed_at", "community"]
    list_filter = ["community"]
    search_fields = ["title", "text"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["community", "created_by"]
    filter_horizontal = ["buildings"]
    inlines = [NoticeAttachmentInline]


@admin.register(NoticeAttachment)
class NoticeAttachmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "notice", "content_type", "size", "uploaded_at", "community"]
    list_filter = ["community"]
    search_fields = ["name", "notice__title"]
    raw_id_fields = ["community", "notice"]
    exclude = ["file"]  # its media URL is not served: the file opens through views_notices

    def has_add_permission(self, request):
        return False  # uploads are checked by services_notices


@admin.register(Objection)
class ObjectionAdmin(SimpleHistoryAdmin):
    list_display = ["notice", "filed_at", "answered_at", "community"]
    list_filter = ["community"]
    search_fields = ["notice__title", "text", "answer"]
    raw_id_fields = ["community", "notice", "author", "household", "answered_by"]


@admin.register(NoticeRead)
class NoticeReadAdmin(SimpleHistoryAdmin):
    list_display = ["notice", "user", "read_at", "community"]
    list_filter = ["community"]
    search_fields = ["notice__title", "user__username"]
    raw_id_fields = ["community", "notice", "user"]
