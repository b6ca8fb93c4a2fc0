"""Writes of public notices (公示): publishing with attachments, objections during the period and their
answers, read receipts, and closing notices whose period has ended (the scheduled job's work)."""

import datetime as dt
import logging
import os
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.models import Community
from linli.core.scope import scope_for
from linli.deliberation.models import Notice, NoticeAttachment, NoticeRead, Objection
from linli.deliberation.rules_conventions import covers_household
from linli.deliberation.services_conventions import _buildings, _clean_text, _require, _saved
from linli.registry.models import Household

log = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_NOTICE = 10
# Extension → (content type, the file's first bytes). The bytes are checked, not the name alone: a file
# renamed to .pdf is refused.
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
OBJECTION_MAX = 2000


def attachment_check(upload) -> tuple[str, str]:
    """(name, content type) of an acceptable upload, or a DomainError saying what is wrong with it."""
    name = os.path.basename(getattr(upload, "name", "") or "")[:200]
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise DomainError(_("附件只能是 PDF、JPG 或 PNG 文件：%(name)s") % {"name": name}, field="files")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("附件 %(name)s 超过 %(mb)d MB。") % {"name": name, "mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)},
            field="files",
        )
    if upload.size == 0:
        raise DomainError(_("附件 %(name)s 是空文件。") % {"name": name}, field="files")
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(s) for s in signatures):
        raise DomainError(_("附件 %(name)s 的内容与文件类型不符。") % {"name": name}, field="files")
    return name, content_type


def notice_create(
    *,
    actor,
    community: Community,
    title: str,
    text: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    buildings: Iterable = (),
    files: Iterable = (),
) -> Notice:
    _require(actor, "deliberation.add_notice", community)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写公示标题。"), field="title")
    if len(title) > 100:
        raise DomainError(_("标题最多 100 字。"), field="title")
    text = _clean_text(text, field="text", limit=20000, empty=_("请填写公示内容。"))
    if starts_at is None or ends_at is None:
        raise DomainError(_("请填写公示的开始和结束时间。"), field="ends_at")
    if ends_at <= starts_at:
        raise DomainError(_("公示结束时间必须晚于开始时间。"), field="ends_at")
    chosen = _buildings(community, buildings)
    scope = scope_for(actor)
    if not scope.is_staff_of(community.pk) and (not chosen or not {b.pk for b in chosen} <= scope.buildings):
        raise DomainError(_("楼组长只能在自己负责的楼栋公示。"), field="buildings")
    files = list(files)
    if len(files) > ATTACHMENTS_PER_NOTICE:
        raise DomainError(_("附件最多 %(n)d 个。") % {"n": ATTACHMENTS_PER_NOTICE}, field="files")
    checked = [(f, *attachment_check(f)) for f in files]
    with transaction.atomic():
        notice = _saved(
            Notice(
                community=community,
                title=title,
                text=text,
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=actor,
            ),
            actor,
        )
        notice.buildings.set(chosen)
        for upload, name, content_type in checked:
            _attach(actor, notice, upload, name, content_type)
    return notice


def _attach(actor, notice: Notice, upload, name: str, content_type: str) -> NoticeAttachment:
    row = NoticeAttachment(
        community_id=notice.community_id,
        notice=notice,
        name=name,
        content_type=content_type,
        size=upload.size,
    )
    row.file.save(name, upload, save=False)
    return _saved(row, actor)


def attachment_add(*, actor, notice: Notice, upload) -> NoticeAttachment:
    _require(actor, "deliberation.change_notice", notice)
    name, content_type = attachment_check(upload)
    if notice.attachments.count() >= ATTACHMENTS_PER_NOTICE:
        raise DomainError(_("附件最多 %(n)d 个。") % {"n": ATTACHMENTS_PER_NOTICE}, field="files")
    return _attach(actor, notice, upload, name, content_type)


def _covered_household(actor, notice: Notice) -> Household | None:
    ids = scope_for(actor).households
    if not ids:
        return None
    return next(
        (
            h
            for h in Household.objects.filter(pk__in=ids, is_active=True).select_related("flat")
            if covers_household(notice, h)
        ),
        None,
    )


def objection_file(*, actor, notice: Notice, text: str, now: dt.datetime | None = None) -> Objection:
    """An objection from a resident the notice covers, during its period only. A late one is refused and
    logged (who, which notice, when), so staff can tell a resident who says they tried."""
    _require(actor, "deliberation.file_objection", notice)
    now = now or timezone.now()
    if now < notice.starts_at:
        raise DomainError(_("公示尚未开始，暂不能提出异议。"))
    if now >= notice.ends_at or notice.closed_at is not None:
        log.info(
            "objection refused after the period: notice=%s user=%s at=%s ends_at=%s",
            notice.pk,
            actor.pk,
            now.isoformat(),
            notice.ends_at.isoformat(),
        )
        raise DomainError(
            _("公示期已于 %(end)s 结束，不能再提出异议。如有意见请联系居委会。")
            % {"end": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M")}
        )
    text = _clean_text(text, field="text", limit=OBJECTION_MAX, empty=_("请填写异议内容。"))
    return _saved(
        Objection(
            community_id=notice.community_id,
            notice=notice,
            author=actor,
            household=_covered_household(actor, notice),
            text=text,
        ),
        actor,
    )


def objection_answer(*, actor, objection: Objection, answer: str) -> Objection:
    _require(actor, "deliberation.change_notice", objection.notice)
    objection.answer = _clean_text(answer, field="answer", limit=OBJECTION_MAX, empty=_("请填写答复。"))
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    return _saved(objection, actor, update_fields=["answer", "answered_by", "answered_at"])


def notice_mark_read(*, actor, notice: Notice) -> NoticeRead:
    """The user has read the notice; a second call keeps the first time (one receipt per user)."""
    _require(actor, "deliberation.view_notice", notice)
    existing = NoticeRead.objects.filter(notice=notice, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _saved(NoticeRead(community_id=notice.community_id, notice=notice, user=actor), actor)
    except IntegrityError:  # the same user on two devices at once
        return NoticeRead.objects.get(notice=notice, user=actor)


def notices_close_ended(*, now: dt.datetime) -> int:
    """Close every notice whose period ended by `now` and is still open; the number closed. A second run
    finds none."""
    closed = 0
    for notice in Notice.objects.filter(ends_at__lte=now, closed_at__isnull=True).order_by("pk"):
        notice.closed_at = now
        _saved(notice, None, update_fields=["closed_at"])
        closed += 1
    return closed
