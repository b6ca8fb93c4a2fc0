"""Reads of public notices (公示): the staff list with read and objection counts (one query), a
resident's notices with whether they have read each, one notice through the scope."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.core.scope import scope_for
from linli.deliberation.models import Notice, NoticeRead, Objection
from linli.deliberation.selectors_conventions import _covering
from linli.registry.models import Household


def notices_for(user, community_id: int) -> QuerySet[Notice]:
    """A community's notices as staff or a building leader sees them, with their counts."""
    visible = scope_for(user).within(Notice.objects.all(), community_id).values("pk")
    return (
        Notice.objects.filter(pk__in=visible)
        .annotate(
            read_count=Count("reads", distinct=True),
            objection_count=Count("objections", distinct=True),
            open_objections=Count(
                "objections", filter=Q(objections__answered_at__isnull=True), distinct=True
            ),
        )
        .prefetch_related("buildings")
        .order_by("-starts_at", "-pk")
    )


def notices_for_user(user) -> list[Notice]:
    """The notices that have started and cover one of the user's households, newest first; each has
    `is_read` and `is_open` (its period not yet over)."""
    ids = scope_for(user).households
    if not ids:
        return []
    households = list(Household.objects.filter(pk__in=ids, is_active=True).select_related("flat"))
    if not households:
        return []
    now = timezone.now()
    visible = Notice.objects.filter(_covering(households), starts_at__lte=now).values("pk")
    rows = list(
        Notice.objects.filter(pk__in=visible)
        .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))
        .prefetch_related("attachments")
        .order_by("-starts_at", "-pk")
    )
    for notice in rows:
        notice.is_open = notice.closed_at is None and notice.ends_at > now
    return rows


def notice_get(user, notice_id: int) -> Notice:
    """One notice the user may see: staff and leaders through the scope, residents when it covers their
    household and has started; 404 otherwise."""
    row = scope_for(user).filter(Notice.objects.filter(pk=notice_id)).distinct().first()
    if row is None:
        row = next((n for n in notices_for_user(user) if n.pk == notice_id), None)
    if row is None:
        raise Http404
    return row


def objections_of(notice: Notice) -> QuerySet[Objection]:
    return notice.objections.select_related("author", "answered_by", "household__flat__building")


def objection_get(notice: Notice, objection_id: int) -> Objection:
    row = notice.objections.filter(pk=objection_id).first()
    if row is None:
        raise Http404
    return row


def objections_for(user, notice: Notice) -> QuerySet[Objection]:
    """All objections for those who answer them; a resident's own household's otherwise."""
    rows = objections_of(notice)
    if user.has_perm("deliberation.change_notice", notice):
        return rows
    return rows.filter(Q(author=user) | Q(household_id__in=scope_for(user).households))


def notice_for_staff(user, notice_id: int) -> Notice:
    row = (
        scope_for(user)
        .filter(Notice.objects.filter(pk=notice_id))
        .distinct()
        .select_related("community")
        .first()
    )
    if row is None:
        raise Http404
    return row


def objection_for_staff(user, objection_id: int) -> Objection:
    row = (
        scope_for(user)
        .filter(Objection.objects.filter(pk=objection_id))
        .distinct()
        .select_related("notice")
        .first()
    )
    if row is None:
        raise Http404
    return row


def attachment_get(user, attachment_id: int):
    """An attachment of a notice the user may see (residents included); 404 otherwise."""
    from linli.deliberation.models import NoticeAttachment

    row = NoticeAttachment.objects.filter(pk=attachment_id).first()
    if row is None:
        raise Http404
    notice_get(user, row.notice_id)
    return row
