"""Background job runs over JSON, as on the staff page: superusers see every run; committee staff the
runs of their communities and those over all communities, with notes about their own communities only."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from linli.api.schemas import Id, PageParams, error_responses, paginate
from linli.jobs import rules, selectors, services
from linli.jobs.models import RunStatus
from linli.jobs.registry import job_label

router = Router(tags=["jobs"])

READ_ERRORS = error_responses(401, 403, 404, 422)

StatusCode = Literal[tuple(RunStatus.values)]


class RunOut(Schema):
    id: int
    name: str
    label: str
    community_id: int | None = Field(description="空：所有居民区共用的任务（如每日摘要）。")
    status: str
    attempts: int
    max_attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    run_after: dt.datetime | None
    error: str = Field(description="只有系统管理员和该居民区的工作人员能看到；否则为空。")

    @staticmethod
    def resolve_label(obj) -> str:
        return job_label(obj.name)

    @staticmethod
    def resolve_error(obj, context) -> str:
        return obj.error if rules.may_see_run_in_full(context["request"].auth, obj) else ""


class NoteOut(Schema):
    created_at: dt.datetime
    attempt: int
    level: str
    community_id: int | None
    message: str


class RunDetailOut(RunOut):
    notes: list[NoteOut] = Field(description="只列出与您的居民区有关的说明（系统管理员：全部）。")

    @staticmethod
    def resolve_notes(obj) -> list:
        return obj.notes_visible


class RunPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[RunOut]


class RunParams(PageParams):
    status: StatusCode | None = None


def _require_viewer(user) -> None:
    if not user.has_perm("jobs.view_runs"):
        raise PermissionDenied(_("只有居委工作人员和系统管理员可以查看后台任务。"))


@router.get("/job-runs", response={200: RunPage, **READ_ERRORS}, summary="后台任务运行记录")
def run_list(request, params: Query[RunParams]):
    _require_viewer(request.auth)
    return paginate(selectors.run_list(request.auth, status=params.status or ""), params)


@router.get("/job-runs/{run_id}", response={200: RunDetailOut, **READ_ERRORS}, summary="一次运行的详情")
def run_detail(request, run_id: Id):
    _require_viewer(request.auth)
    run = selectors.access_run(request.auth, run_id)
    run.notes_visible = list(selectors.run_notes(request.auth, run))
    return run


@router.post(
    "/job-runs/{run_id}/retry",
    response={200: RunOut, **error_responses(401, 403, 404, 422)},
    summary="重试失败的任务",
)
def run_retry(request, run_id: Id):
    _require_viewer(request.auth)
    run = selectors.access_run(request.auth, run_id)
    if not request.auth.has_perm("jobs.retry_run", run):
        raise PermissionDenied(_("您不能重试这个任务。"))
    return services.run_retry(actor=request.auth, run=run)
