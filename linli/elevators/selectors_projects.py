"""Reads of lift projects for a user, always through the scope: `access_project` fetches one the user may
see or raises Http404. Also the community overview: entrances by stage, how long each stage takes, the
success rate and the eligible entrances not started yet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from linli.core.models import Community
from linli.core.scope import scope_for
from linli.elevators.models import LiftProject, ProjectStatus, Stage, StageRecord
from linli.registry.models import Entrance

MIN_FLOORS = 4  # a walk-up of 4 floors or more without a lift is eligible (rules/lift.md, DESIGN.md)


def stages_of(community_id: int) -> list[Stage]:
    return list(Stage.objects.filter(community_id=community_id).order_by("position"))


def _visible(user) -> QuerySet:
    return scope_for(user).filter(LiftProject.objects.all())


def projects_for_community(user, community: Community) -> list[LiftProject]:
    qs = scope_for(user).within(LiftProject.objects.all(), community.pk)
    return list(
        qs.select_related("building", "entrance__building")
        .prefetch_related(
            Prefetch(
                "stage_records",
                queryset=StageRecord.objects.select_related("stage").order_by("stage__position"),
            )
        )
        .order_by("building__sort_key", "building__number", "entrance__number", "-started_on")
    )


def access_project(user, project_id: int) -> LiftProject:
    project = (
        _visible(user)
        .select_related("community", "building", "entrance__building")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


@dataclass
class StageState:
    stage: Stage
    record: StageRecord | None

    @property
    def done(self) -> bool:
        return self.record is not None and self.record.completed_on is not None

    @property
    def current(self) -> bool:
        return self.record is not None and self.record.completed_on is None


def stage_states(project: LiftProject) -> list[StageState]:
    """Every stage of the project's community in order, with its record when there is one."""
    records = {r.stage_id: r for r in project.stage_records.all()}
    return [StageState(stage=s, record=records.get(s.pk)) for s in stages_of(project.community_id)]


def current_stage(project: LiftProject, states: list[StageState] | None = None) -> Stage | None:
    """The first stage not completed (None once every stage is)."""
    for state in states if states is not None else stage_states(project):
        if not state.done:
            return state.stage
    return None


@dataclass
class Overview:
    stages: list[Stage]
    by_stage: dict[int, list[LiftProject]]  # stage id → active projects at that stage
    finished: list[LiftProject]
    stopped: list[LiftProject]
    durations: dict[int, Fraction | None]  # stage id → mean days from start to completion
    success_rate: Fraction | None  # finished ÷ (finished + stopped)
    eligible: list[Entrance] = field(default_factory=list)


def overview(user, community: Community) -> Overview:
    projects = projects_for_community(user, community)
    stages = stages_of(community.pk)
    by_stage: dict[int, list[LiftProject]] = {s.pk: [] for s in stages}
    spans: dict[int, list[int]] = defaultdict(list)
    finished, stopped = [], []
    for project in projects:
        records = {r.stage_id: r for r in project.stage_records.all()}
        for record in records.values():
            if record.completed_on is not None:
                spans[record.stage_id].append((record.completed_on - record.started_on).days)
        if project.status == ProjectStatus.FINISHED:
            finished.append(project)
            continue
        if project.status == ProjectStatus.STOPPED:
            stopped.append(project)
            continue
        for stage in stages:
            record = records.get(stage.pk)
            if record is None or record.completed_on is None:
                project.current = stage
                by_stage[stage.pk].append(project)
                break
    durations = {
        s.pk: (Fraction(sum(spans[s.pk]), len(spans[s.pk])) if spans[s.pk] else None) for s in stages
    }
    ended = len(finished) + len(stopped)
    return Overview(
        stages=stages,
        by_stage=by_stage,
        finished=finished,
        stopped=stopped,
        durations=durations,
        success_rate=Fraction(len(finished), ended) if ended else None,
        eligible=eligible_entrances(user, community),
    )


def eligible_entrances(user, community: Community) -> list[Entrance]:
    """Entrances of 4 floors or more with no lift and no project under way or finished, in the user's
    scope (a building leader: their buildings)."""
    scope = scope_for(user)
    qs = Entrance.objects.filter(community=community, has_lift=False, building__floors__gte=MIN_FLOORS)
    if not scope.is_staff_of(community.pk):
        qs = qs.filter(building_id__in=scope.buildings)
    taken = LiftProject.objects.filter(entrance=OuterRef("pk")).exclude(status=ProjectStatus.STOPPED)
    return list(
        qs.filter(~Exists(taken))
        .select_related("building")
        .order_by("building__sort_key", "building__number", "number")
    )
