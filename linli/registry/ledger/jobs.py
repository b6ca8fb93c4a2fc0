"""An ImportJob's life: uploaded → checking → checked (the preview) → importing → done; or failed, or
cancelled. The pages call the `import_job_*` services; the background jobs in `registry/tasks.py` call
`job_check_run` and `job_import_run` with the job's id.

The uploaded bytes are kept only while they are needed, encrypted (Fernet, the sensitive-field keys):
until the check, which replaces a residents' ledger by the plan it checked (the rows as the preview shows
them, still encrypted: the import writes exactly that), until the import ends, is refused or is
cancelled, or until the check finds problems (the clerk then uploads a corrected file, a new job). A newer upload by the same person for the
same community cancels their older unfinished one, and a preview left unconfirmed for a day is cancelled
at the next upload (`import_jobs_expire`).

Both runs are idempotent: each claims the job by moving it on from the state it expects, under a row
lock, so a second run (a retried job, a double click) finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zlib

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.core.crypto import fernet
from linli.core.errors import DomainError
from linli.core.identity import mask_id_number, mask_phone
from linli.core.jobs import enqueue_after_commit
from linli.core.models import Community
from linli.registry.ledger import reading
from linli.registry.ledger.checking import file_problem, residents_check
from linli.registry.ledger.flats import flats_check, flats_import
from linli.registry.ledger.importing import ImportRefused, residents_import
from linli.registry.models import ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

RUNNING = (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.IMPORTING)
KEEP_UNCONFIRMED = dt.timedelta(days=1)  # a preview nobody confirms: its file or plan is dropped after this
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


def job_is_running(job: ImportJob) -> bool:
    return job.status in RUNNING


def job_can_import(job: ImportJob) -> bool:
    """Checked, without a single problem, with something to write, and not expired."""
    counts = job.report.get("counts", {})
    return (
        job.status == ImportStatus.CHECKED
        and job.content is not None
        and not job.report.get("problems")
        and bool(counts.get("new") or counts.get("changed"))
        and job.created_at > timezone.now() - KEEP_UNCONFIRMED
    )


def import_jobs_expire(*, now=None) -> int:
    """Cancel the jobs left unconfirmed for longer than KEEP_UNCONFIRMED, dropping what they kept.
    Run at every upload, so a forgotten preview does not keep a ledger's numbers for long."""
    cutoff = (now or timezone.now()) - KEEP_UNCONFIRMED
    expired = 0
    with transaction.atomic():
        for job in ImportJob.objects.select_for_update().filter(
            status__in=(ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.CHECKED),
            content__isnull=False,
            created_at__lt=cutoff,
        ):
            _end(job, ImportStatus.CANCELLED)
            expired += 1
    return expired


def _require_importer(actor, community: Community) -> None:
    if not actor.has_perm("registry.import_ledger", community):
        raise DomainError(_("只有本居民区的居委工作人员可以导入台账。"))


def import_job_create(
    *, actor, community: Community, file_name: str, content: bytes, kind: str = ImportKind.RESIDENTS
) -> ImportJob:
    """Keep an uploaded ledger (encrypted) and queue its check. Refuses at once a file that is too big
    or is plainly not a spreadsheet; everything else is found by the check."""
    _require_importer(actor, community)
    if kind not in ImportKind.values:
        raise DomainError(_("请选择要导入的内容。"), field="kind")
    if len(content) > reading.limit("LINLI_IMPORT_MAX_BYTES"):
        raise DomainError(reading.size_message(len(content)), field="file")
    if not content.strip():
        raise DomainError(_("文件是空的。"), field="file")
    reading.sniff(content)
    import_jobs_expire()
    with transaction.atomic():
        for older in ImportJob.objects.select_for_update().filter(
            community=community,
            created_by=actor,
            status__in=(ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.CHECKED),
        ):
            _end(older, ImportStatus.CANCELLED)
        job = ImportJob.objects.create(
            community=community,
            created_by=actor,
            kind=kind,
            file_name=safe_file_name(file_name),
            content=fernet().encrypt(content),
        )
        _queue("ledger_check", job)
    return job


def safe_file_name(name: str) -> str:
    """The file's name as pages and the access log show it: a number in it (张三13812345678.xlsx)
    masked like the numbers inside."""

    def mask(match: re.Match) -> str:
        number = match[0]
        return mask_phone(number) if len(number) == 11 else mask_id_number(number)

    return re.sub(r"\d{9,}[\dXx]?", mask, (name or "").strip())[:200]


def import_job_confirm(*, actor, job: ImportJob) -> ImportJob:
    """The clerk confirmed the preview: queue the import."""
    _require_importer(actor, job.community)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not job_can_import(job):
            raise DomainError(_("这个文件还不能导入：请先改正检查出的问题，重新上传。"))
        job.status = ImportStatus.IMPORTING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
        _queue("ledger_import", job)
    return job


def import_job_cancel(*, actor, job: ImportJob) -> ImportJob:
    _require_importer(actor, job.community)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status in (ImportStatus.IMPORTING, *FINISHED):
            raise DomainError(_("这个导入已经开始或已经结束，不能取消。"))
        _end(job, ImportStatus.CANCELLED)
    return job


def _queue(name: str, job: ImportJob) -> None:
    from linli.registry import tasks  # the tasks import this module

    task = {"ledger_check": tasks.ledger_check, "ledger_import": tasks.ledger_import}[name]
    enqueue_after_commit(task, job.pk, translation.get_language() or "zh-hans")


def _end(job: ImportJob, status: str, **fields) -> None:
    """Finish a job (under its row lock): the file is dropped."""
    job.status = status
    job.content = None
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "content", "finished_at", *fields])


def _claim(job_id: int, expected: tuple[str, ...], status: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status__in=expected).first()
        if job is None:
            return None
        job.status = status
        job.progress = 0
        job.save(update_fields=["status", "progress"])
        return job


def _progress(job_id: int):
    def report(percent: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(progress=percent)

    return report


def plan_seal(plan: dict) -> bytes:
    """A residents' plan as the job keeps it: JSON, compressed, encrypted (it holds ID numbers)."""
    return fernet().encrypt(zlib.compress(json.dumps(plan, ensure_ascii=False).encode(), 6))


def plan_open(sealed: bytes) -> dict:
    return json.loads(zlib.decompress(fernet().decrypt(sealed)))


def job_check_run(job_id: int) -> None:
    """The background check: read the file, write the preview into `job.report`."""
    job = _claim(job_id, (ImportStatus.UPLOADED, ImportStatus.CHECKING), ImportStatus.CHECKING)
    if job is None:
        return
    try:
        content = fernet().decrypt(bytes(job.content))
        checker = residents_check if job.kind == ImportKind.RESIDENTS else flats_check
        check = checker(community=job.community, content=content, progress=_progress(job.pk))
    except Exception as error:  # never leave a job spinning; the message may hold data: not logged
        logger.error("ledger check of job %s failed: %s", job_id, type(error).__name__)
        check = file_problem(
            DomainError(_("检查时出错，没有导入任何内容。请重新上传；如果再次出错，请联系管理员。"))
        )
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportStatus.CHECKING:  # cancelled meanwhile
            return
        fields = {"report": check.report(), "total_rows": check.rows, "progress": 100}
        if check.problems or not (check.new or check.changed):
            _end(job, ImportStatus.CHECKED, **fields)
        else:
            if job.kind == ImportKind.RESIDENTS:
                # From here on the job keeps what the preview showed, not the file (see ledger/importing).
                fields["content"] = plan_seal(check.plan())
            for name, value in fields.items():
                setattr(job, name, value)
            job.status = ImportStatus.CHECKED
            job.save(update_fields=["status", *fields])


def job_import_run(job_id: int) -> None:
    """The background import: the checked plan written, all or nothing (see ledger/importing)."""
    job = _claim(job_id, (ImportStatus.IMPORTING,), ImportStatus.IMPORTING)
    if job is None or job.content is None:
        return
    report = dict(job.report)
    try:
        sealed = bytes(job.content)
        if job.kind == ImportKind.RESIDENTS:
            check = residents_import(
                actor=job.created_by, community=job.community, plan=plan_open(sealed), job=job
            )
        else:
            content = fernet().decrypt(sealed)
            check = flats_import(actor=job.created_by, community=job.community, content=content, job=job)
    except ImportRefused as refused:
        status, report, error = ImportStatus.FAILED, refused.check.report(), refused.message
    except DomainError as problem:
        status, error = ImportStatus.FAILED, problem.message
    except Exception as failure:
        logger.error("ledger import of job %s failed: %s", job_id, type(failure).__name__)
        status, error = (
            ImportStatus.FAILED,
            _("导入时出错，没有导入任何内容。请稍后再试；如果再次出错，请联系管理员。"),
        )
    else:
        status, error = ImportStatus.DONE, ""
        report = check.report()
        # The names of who was added or changed were for the preview; the counts stay.
        report["changes"], report["new"] = [], []
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        _end(job, status, report=report, error=error, progress=100)
