"""Writes of lift projects: start a project for an entrance, move it through its stages in order, stop
it with a reason, name the people who carry it, file its documents.

Stage order is the rule of rules/lift.md: a stage can be started or completed only when every earlier
stage is complete. Stages with a rule of their own check it through a *gate* before they are completed
(`STAGE_GATES`, keyed by stage code): the owners' vote must have passed before the consultation stage
ends, written real-name objections to the design notice hold the design stage, a project over the
permit limit needs its construction permit number to start, and so on. Areas of this app register
their gates here (`register_gate`) so each rule lives next to the data it reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.elevators import stages as stage_codes
from linli.elevators.models import (
    LiftProject,
    PersonRole,
    ProjectDocument,
    ProjectPerson,
    ProjectStatus,
    Stage,
    StageRecord,
)
from linli.elevators.policy import lift_policy
from linli.elevators.selectors_projects import MIN_FLOORS
from linli.registry.models import Entrance, Resident

Gate = Callable[[LiftProject, dt.date], None]  # raises DomainError when the stage may not be completed
STAGE_GATES: dict[str, list[Gate]] = {}


def register_gate(code: str, gate: Gate) -> None:
    STAGE_GATES.setdefault(code, []).append(gate)


def _require_change(actor, project: LiftProject) -> None:
    if not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目。"))


def stages_ensure(community_id: int) -> list[Stage]:
    """The community's stages, created from the default list the first time."""
    existing = list(Stage.objects.filter(community_id=community_id).order_by("position"))
    if existing:
        return existing
    with transaction.atomic():
        for position, (code, name, description) in enumerate(stage_codes.DEFAULT_STAGES, start=1):
            Stage.objects.get_or_create(
                community_id=community_id,
                position=position,
                defaults={"code": code, "name": str(name), "description": str(description)},
            )
    return list(Stage.objects.filter(community_id=community_id).order_by("position"))


def project_create(
    *, actor, entrance: Entrance, started_on: dt.date, vote_scope: str = "entrance", note: str = ""
) -> LiftProject:
    """Start a project for an entrance: staff anywhere in the community, a building leader in their own
    buildings. Refused for an entrance with a lift, under 4 floors, or with a project already under way;
    the policy in force on `started_on` must exist (it decides the project's results)."""
    scope = scope_for(actor)
    if not (scope.is_staff_of(entrance.community_id) or entrance.building_id in scope.buildings):
        raise DomainError(_("您没有权限为此单元发起加梯项目。"))
    if entrance.has_lift:
        raise DomainError(_("该单元已有电梯。"), field="entrance")
    if entrance.building.floors < MIN_FLOORS:
        raise DomainError(_("该楼不足4层，不属于加装电梯范围。"), field="entrance")
    lift_policy(started_on)  # DomainError when no policy version covers the start date
    stages = stages_ensure(entrance.community_id)
    try:
        with transaction.atomic():
            project = LiftProject.objects.create(
                community_id=entrance.community_id,
                building_id=entrance.building_id,
                entrance=entrance,
                started_on=started_on,
                vote_scope=vote_scope,
                note=note,
                created_by=actor,
            )
            StageRecord.objects.create(
                community_id=project.community_id,
                project=project,
                stage=stages[0],
                started_on=started_on,
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(_("该单元已有进行中的加梯项目。"), field="entrance") from None
    return project


def _records(project: LiftProject) -> dict[int, StageRecord]:
    return {r.stage_id: r for r in StageRecord.objects.filter(project=project).select_for_update()}


def _check_active(project: LiftProject) -> None:
    if project.status == ProjectStatus.STOPPED:
        raise DomainError(_("项目已中止，不能再记录阶段。请先恢复项目。"))
    if project.status == ProjectStatus.FINISHED:
        raise DomainError(_("项目已完成。"))


def stage_complete(
    *, actor, project: LiftProject, stage: Stage, completed_on: dt.date, note: str = ""
) -> StageRecord:
    """Complete `stage` on `completed_on` and start the next one the same day. Refused when an earlier
    stage is not complete, the stage was not started, the date is before its start or in the future, or
    the stage's own rule (gate) says no."""
    _require_change(actor, project)
    if stage.community_id != project.community_id:
        raise DomainError(_("阶段不属于本居民区。"), field="stage")
    with transaction.atomic():
        project = LiftProject.objects.select_for_update().get(pk=project.pk)
        _check_active(project)
        stages = list(Stage.objects.filter(community_id=project.community_id).order_by("position"))
        records = _records(project)
        for earlier in stages:
            if earlier.pk == stage.pk:
                break
            record = records.get(earlier.pk)
            if record is None or record.completed_on is None:
                raise DomainError(
                    _("请先完成前面的阶段“%(stage)s”。") % {"stage": earlier.name}, field="stage"
                )
        record = records.get(stage.pk)
        if record is None:
            # Every earlier stage is complete, so this one is under way: a stage the community added
            # after the project had passed that point starts when the stage before it ended.
            earlier_ends = [
                r.completed_on
                for s in stages
                if s.position < stage.position
                for r in [records.get(s.pk)]
                if r
            ]
            record = StageRecord.objects.create(
                community_id=project.community_id,
                project=project,
                stage=stage,
                started_on=max(earlier_ends, default=project.started_on),
                recorded_by=actor,
            )
        if record.completed_on is not None:
            raise DomainError(_("该阶段已经完成。"), field="stage")
        if completed_on < record.started_on:
            raise DomainError(_("完成日期不能早于该阶段的开始日期。"), field="completed_on")
        if completed_on > dt.date.today():
            raise DomainError(_("完成日期不能晚于今天。"), field="completed_on")
        for gate in STAGE_GATES.get(stage.code, []):
            gate(project, completed_on)
        record.completed_on = completed_on
        if note:
            record.note = note[:300]
        record.save(update_fields=["completed_on", "note"])
        later = [s for s in stages if s.position > stage.position]
        if later:
            StageRecord.objects.get_or_create(
                project=project,
                stage=later[0],
                defaults={
                    "community_id": project.community_id,
                    "started_on": completed_on,
                    "recorded_by": actor,
                },
            )
        else:
            project.status = ProjectStatus.FINISHED
            project.save(update_fields=["status"])
    return record


def project_stop(*, actor, project: LiftProject, reason: str) -> LiftProject:
    _require_change(actor, project)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写中止原因。"), field="reason")
    with transaction.atomic():
        project = LiftProject.objects.select_for_update().get(pk=project.pk)
        _check_active(project)
        project.status = ProjectStatus.STOPPED
        project.stopped_reason = reason[:200]
        project.save(update_fields=["status", "stopped_reason"])
    return project


def project_update(*, actor, project: LiftProject, **fields) -> LiftProject:
    """The project's own facts (estimated cost, permit number, dates in use and registered, the lift-use
    manager, notes)."""
    _require_change(actor, project)
    allowed = {
        "estimated_cost",
        "permit_number",
        "in_use_on",
        "registered_on",
        "lift_manager",
        "note",
        "vote_scope",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if fields.get("estimated_cost") is not None and fields["estimated_cost"] <= 0:
        raise DomainError(_("工程总价必须大于0。"), field="estimated_cost")
    today = dt.date.today()
    for name in ("in_use_on", "registered_on"):
        if fields.get(name) and fields[name] > today:
            raise DomainError(_("日期不能晚于今天。"), field=name)
    in_use = fields.get("in_use_on", project.in_use_on)
    if fields.get("registered_on") and in_use and fields["registered_on"] < in_use:
        raise DomainError(_("使用登记日期不能早于投入使用日期。"), field="registered_on")
    for name, value in fields.items():
        setattr(project, name, value)
    project.save(update_fields=list(fields))
    return project


def person_add(
    *, actor, project: LiftProject, role: str, name: str, resident: Resident | None = None, duty: str = ""
) -> ProjectPerson:
    _require_change(actor, project)
    if role not in PersonRole.values:
        raise DomainError(_("请选择角色。"), field="role")
    if resident is not None and resident.community_id != project.community_id:
        raise DomainError(_("该居民不属于本居民区。"), field="resident")
    name = (name or (resident.name if resident else "")).strip()
    if not name:
        raise DomainError(_("请填写姓名。"), field="name")
    return ProjectPerson.objects.create(
        community_id=project.community_id,
        project=project,
        role=role,
        resident=resident,
        name=name[:50],
        duty=duty[:100],
    )


def document_add(
    *, actor, project: LiftProject, title: str, upload, stage: Stage | None = None
) -> ProjectDocument:
    from linli.deliberation.services_votes import IMAGE_SIGNATURES, MAX_UPLOAD_BYTES

    _require_change(actor, project)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写文件名称。"), field="title")
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise DomainError(_("请上传文件。"), field="file")
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(_("文件不能超过10MB。"), field="file")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not (
        head.startswith((*IMAGE_SIGNATURES, b"%PDF-")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    ):
        raise DomainError(_("请上传图片（JPG、PNG）或PDF文件。"), field="file")
    return ProjectDocument.objects.create(
        community_id=project.community_id,
        project=project,
        stage=stage,
        title=title[:100],
        file=upload,
        uploaded_by=actor,
    )


# ── Gates of this module's own stages ─────────────────────────────────────────────────────────────


def _start_gate(project: LiftProject, day: dt.date) -> None:
    """开工: over the policy's permit limit a construction permit (施工许可证) is needed, at or below a
    start-of-work filing (开工信息报送); either way its number is recorded before the stage completes."""
    policy = lift_policy(project.started_on)
    if project.estimated_cost is None:
        raise DomainError(
            _("请先填写工程总价，以确定需要施工许可证还是开工信息报送。"), field="estimated_cost"
        )
    if not project.permit_number:
        if project.estimated_cost > policy["permit_cost_limit"]:
            message = _("工程总价超过%(limit)s元，须办理施工许可证并填写证号（依据：%(policy)s）。")
        else:
            message = _("工程总价不超过%(limit)s元，请填写开工信息报送编号（依据：%(policy)s）。")
        raise DomainError(
            message % {"limit": policy["permit_cost_limit"], "policy": policy.label}, field="permit_number"
        )


def _registration_gate(project: LiftProject, day: dt.date) -> None:
    if project.in_use_on is None or project.registered_on is None:
        raise DomainError(_("请先填写投入使用日期和使用登记日期。"), field="registered_on")


def _operation_gate(project: LiftProject, day: dt.date) -> None:
    if not project.lift_manager:
        raise DomainError(_("请先填写电梯使用管理人。"), field="lift_manager")


register_gate(stage_codes.START, _start_gate)
register_gate(stage_codes.REGISTRATION, _registration_gate)
register_gate(stage_codes.OPERATION, _operation_gate)


# ── The community's stage list ────────────────────────────────────────────────────────────────────


def _require_stages(actor, community_id: int) -> None:
    from linli.core.models import Community

    if not actor.has_perm("elevators.change_stages", Community.objects.get(pk=community_id)):
        raise DomainError(_("只有居委工作人员可以修改加梯阶段。"))


def stage_rename(*, actor, stage: Stage, name: str, description: str = "") -> Stage:
    """Rename a stage (its rule, if it has one, stays with it)."""
    _require_stages(actor, stage.community_id)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写阶段名称。"), field="name")
    stage.name = name[:50]
    stage.description = (description or "").strip()[:200]
    stage.save(update_fields=["name", "description"])
    return stage


def stage_add(*, actor, community_id: int, after: Stage, name: str, description: str = "") -> Stage:
    """A community's own stage after `after` (e.g. a 矛盾调解 step after the vote). Later stages move
    down one place; projects already past that point have the new stage before their current one, which
    they complete like any other."""
    _require_stages(actor, community_id)
    if after.community_id != community_id:
        raise DomainError(_("阶段不属于本居民区。"), field="after")
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写阶段名称。"), field="name")
    if Stage.objects.filter(community_id=community_id, name=name).exists():
        raise DomainError(_("已有同名阶段。"), field="name")
    with transaction.atomic():
        later = list(
            Stage.objects.select_for_update()
            .filter(community_id=community_id, position__gt=after.position)
            .order_by("-position")
        )
        for stage in later:  # from the last one, so no two share a position at any moment
            stage.position += 1
            stage.save(update_fields=["position"])
        return Stage.objects.create(
            community_id=community_id,
            position=after.position + 1,
            name=name[:50],
            description=(description or "").strip()[:200],
        )


def stage_remove(*, actor, stage: Stage) -> None:
    """Remove a community's own stage that no project has recorded; Linli's coded stages stay."""
    _require_stages(actor, stage.community_id)
    if stage.code:
        raise DomainError(_("这是法定流程中的阶段，不能删除，可以改名。"))
    if StageRecord.objects.filter(stage=stage).exists():
        raise DomainError(_("已有项目记录了这个阶段，不能删除。"))
    with transaction.atomic():
        community_id, position = stage.community_id, stage.position
        stage.delete()
        for later in (
            Stage.objects.select_for_update()
            .filter(community_id=community_id, position__gt=position)
            .order_by("position")
        ):
            later.position -= 1
            later.save(update_fields=["position"])
