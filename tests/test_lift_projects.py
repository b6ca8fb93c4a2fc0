"""Lift projects (issue 6 point 1): starting a project for an entrance, stages strictly in order with
their gates, stopping, the community overview, and the dated policy table that decides every result."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse

from linli.core.errors import DomainError
from linli.core.models import PolicyVersion
from linli.core.policy import policy_on, version_create
from linli.elevators import selectors_projects as selectors
from linli.elevators import services_projects as services
from linli.elevators.models import LiftProject, ProjectStatus, StageRecord
from linli.elevators.policy import FIGURES, KIND
from tests.factories import BuildingFactory, EntranceFactory

START = dt.date(2026, 3, 1)


def _stage(project, code):
    return next(s for s in selectors.stages_of(project.community_id) if s.code == code)


def _complete(world, project, *codes, day=dt.date(2026, 4, 1)):
    for code in codes:
        services.stage_complete(
            actor=world.staff, project=project, stage=_stage(project, code), completed_on=day
        )


# ── The policy table ────────────────────────────────────────────────────────────────────────────────


def test_the_seeded_policy_in_force_decides_by_date(db):
    current = policy_on(KIND, dt.date(2026, 12, 1))
    older = policy_on(KIND, dt.date(2020, 6, 1))
    assert current.version != older.version
    assert current["participation_area"] == Fraction(2, 3) and current["consent_headcount"] == Fraction(3, 4)
    assert isinstance(current["subsidy_cap"], Decimal) and current["design_notice_days"] == 20
    assert "民法典" in current.label
    with pytest.raises(DomainError, match="没有适用于"):
        policy_on(KIND, dt.date(2015, 1, 1))  # before any version: no guess


def test_a_new_version_closes_the_open_one_and_decides_from_its_date(db):
    figures = {f.name: PolicyVersion.objects.filter(kind=KIND).first().figures[f.name] for f in FIGURES}
    figures["subsidy_cap"] = "300000.00"
    version_create(kind=KIND, label="某区2027细则", effective_from=dt.date(2027, 1, 1), figures=figures)
    assert policy_on(KIND, dt.date(2026, 12, 31))["subsidy_cap"] == Decimal("240000.00")
    assert policy_on(KIND, dt.date(2027, 1, 1))["subsidy_cap"] == Decimal("300000.00")
    with pytest.raises(DomainError, match="重叠"):
        version_create(kind=KIND, label="重复", effective_from=dt.date(2027, 1, 1), figures=figures)


def test_a_version_with_a_bad_or_missing_figure_is_refused(db):
    figures = {f.name: "1" for f in FIGURES}
    figures["consent_area"] = "three quarters"
    with pytest.raises(DomainError, match="无效"):
        version_create(kind=KIND, label="坏", effective_from=dt.date(2030, 1, 1), figures=figures)
    del figures["consent_area"]
    with pytest.raises(DomainError, match="缺少"):
        version_create(kind=KIND, label="缺", effective_from=dt.date(2030, 1, 1), figures=figures)
    assert not PolicyVersion.objects.filter(effective_from=dt.date(2030, 1, 1)).exists()


# ── Starting a project ──────────────────────────────────────────────────────────────────────────────


def test_staff_start_a_project_at_the_first_stage(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    record = StageRecord.objects.get(project=project)
    assert record.stage.code == "survey" and record.started_on == START and record.completed_on is None
    assert selectors.current_stage(project).code == "survey"


def test_a_building_leader_starts_projects_in_their_own_buildings_only(world):
    project = services.project_create(
        actor=world.building_leader, entrance=world.entrance_1, started_on=START
    )
    assert project.building == world.building_1
    with pytest.raises(DomainError, match="没有权限"):
        services.project_create(
            actor=world.building_leader, entrance=world.li.household.flat.entrance, started_on=START
        )


def test_refused_entrances_save_nothing(world):
    low = EntranceFactory(building=BuildingFactory(estate=world.building_1.estate, floors=3))
    lifted = EntranceFactory(building=world.building_2, number=2, has_lift=True)
    with pytest.raises(DomainError, match="不足4层"):
        services.project_create(actor=world.staff, entrance=low, started_on=START)
    with pytest.raises(DomainError, match="已有电梯"):
        services.project_create(actor=world.staff, entrance=lifted, started_on=START)
    with pytest.raises(DomainError, match="政策参数"):
        services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=dt.date(2010, 1, 1))
    services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    with pytest.raises(DomainError, match="已有进行中"):
        services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    assert LiftProject.objects.count() == 1 and StageRecord.objects.count() == 1


def test_a_stopped_project_may_be_followed_by_a_new_one(world):
    first = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    services.project_stop(actor=world.staff, project=first, reason="业主意见分歧较大，暂缓")
    second = services.project_create(
        actor=world.staff, entrance=world.entrance_1, started_on=dt.date(2026, 6, 1)
    )
    assert first.pk != second.pk


# ── Stages in order ─────────────────────────────────────────────────────────────────────────────────


def test_a_later_stage_cannot_be_completed_before_the_earlier_ones(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    with pytest.raises(DomainError, match="宣传动员|意向摸排"):
        _complete(world, project, "publicity")
    _complete(world, project, "survey")
    record = StageRecord.objects.get(project=project, stage__code="publicity")
    assert record.started_on == dt.date(2026, 4, 1)  # the next stage starts the day the last one ends
    with pytest.raises(DomainError, match="已经完成"):
        _complete(world, project, "survey")


def test_completion_dates_must_be_possible(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    with pytest.raises(DomainError, match="早于"):
        _complete(world, project, "survey", day=dt.date(2026, 2, 1))
    with pytest.raises(DomainError, match="晚于今天"):
        _complete(world, project, "survey", day=dt.date.today() + dt.timedelta(days=1))
    assert StageRecord.objects.get(project=project).completed_on is None


def test_the_start_needs_a_permit_over_the_policy_limit_and_a_filing_at_or_below(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    for code in ("survey", "publicity", "consultation", "design", "permit"):
        services.STAGE_GATES.get(code)  # gates of other areas may apply; walk past them directly:
        record = StageRecord.objects.get(project=project, stage__code=code)
        record.completed_on = dt.date(2026, 4, 1)
        record.save()
        nxt = selectors.stages_of(project.community_id)[
            [s.code for s in selectors.stages_of(project.community_id)].index(code) + 1
        ]
        StageRecord.objects.get_or_create(
            project=project,
            stage=nxt,
            defaults={"community_id": project.community_id, "started_on": dt.date(2026, 4, 1)},
        )
    with pytest.raises(DomainError, match="工程总价"):
        _complete(world, project, "start")
    services.project_update(actor=world.staff, project=project, estimated_cost=Decimal("1000000.01"))
    with pytest.raises(DomainError, match="施工许可证"):
        _complete(world, project, "start")
    services.project_update(actor=world.staff, project=project, estimated_cost=Decimal("1000000.00"))
    with pytest.raises(DomainError, match="开工信息报送"):
        _complete(world, project, "start")
    services.project_update(actor=world.staff, project=project, permit_number="KG-2026-018")
    _complete(world, project, "start")
    assert selectors.current_stage(project).code == "construction"


def test_a_stopped_project_records_no_stage(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    with pytest.raises(DomainError, match="中止原因"):
        services.project_stop(actor=world.staff, project=project, reason="  ")
    services.project_stop(actor=world.staff, project=project, reason="低层业主反对")
    with pytest.raises(DomainError, match="已中止"):
        _complete(world, project, "survey")
    assert LiftProject.objects.get(pk=project.pk).status == ProjectStatus.STOPPED


def test_people_outside_the_project_cannot_change_it(world):
    project = services.project_create(
        actor=world.staff, entrance=world.li.household.flat.entrance, started_on=START
    )
    with pytest.raises(DomainError, match="没有权限"):
        services.stage_complete(
            actor=world.building_leader, project=project, stage=_stage(project, "survey"), completed_on=START
        )


# ── The overview ────────────────────────────────────────────────────────────────────────────────────


def test_overview_counts_stages_success_and_eligible_entrances(world):
    a = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    _complete(world, a, "survey", day=dt.date(2026, 3, 11))
    b = services.project_create(
        actor=world.staff, entrance=world.li.household.flat.entrance, started_on=START
    )
    services.project_stop(actor=world.staff, project=b, reason="资金不足")
    spare = EntranceFactory(building=world.building_2, number=3)
    data = selectors.overview(world.staff, world.community)
    publicity = next(s for s in data.stages if s.code == "publicity")
    survey = next(s for s in data.stages if s.code == "survey")
    assert data.by_stage[publicity.pk] == [a]
    assert data.durations[survey.pk] == Fraction(10)
    assert data.success_rate == Fraction(0) and data.stopped == [b]
    assert spare in data.eligible and world.entrance_1 not in data.eligible
    assert world.li.household.flat.entrance in data.eligible  # stopped: may start again
    leader_view = selectors.overview(world.building_leader, world.community)
    assert leader_view.by_stage[publicity.pk] == [a] and spare not in leader_view.eligible


# ── Pages ───────────────────────────────────────────────────────────────────────────────────────────


def test_a_building_leader_starts_a_project_from_the_page_and_completes_the_first_stage(world, client):
    client.force_login(world.building_leader)
    page = client.get(reverse("lift_overview", args=[world.community.pk]))
    assert page.status_code == 200 and str(world.entrance_1) in page.content.decode()
    response = client.post(
        reverse("lift_project_create", args=[world.community.pk]),
        {"entrance": world.entrance_1.pk, "started_on": "2026-03-01", "vote_scope": "entrance"},
    )
    project = LiftProject.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "lift_project_detail", args=[project.pk]
    )
    survey = _stage(project, "survey")
    response = client.post(
        reverse("lift_stage_complete", args=[project.pk]), {"stage": survey.pk, "completed_on": "2026-03-20"}
    )
    assert response.status_code == 302
    detail = client.get(reverse("lift_project_detail", args=[project.pk])).content.decode()
    assert "完成“宣传动员”" in detail and "民法典" in detail


def test_a_refused_stage_shows_the_reason_and_keeps_the_page(world, client):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    client.force_login(world.staff)
    response = client.post(
        reverse("lift_stage_complete", args=[project.pk]),
        {"stage": _stage(project, "design").pk, "completed_on": "2026-03-20"},
    )
    assert response.status_code == 400 and "请先完成前面的阶段" in response.content.decode()


def test_a_document_that_is_not_an_image_or_pdf_is_refused(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    client.force_login(world.staff)
    bad = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("lift_document_add", args=[project.pk]), {"title": "方案", "file": bad})
    assert response.status_code == 400 and "PDF" in response.content.decode()
    assert not project.documents.exists()
    good = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    assert (
        client.post(
            reverse("lift_document_add", args=[project.pk]), {"title": "方案", "file": good}
        ).status_code
        == 302
    )
    document = project.documents.get()
    served = client.get(reverse("lift_document_file", args=[document.pk]))
    assert served.content == b"%PDF-1.4 plan" and "no-store" in served["Cache-Control"]


def test_outsiders_get_404_and_plain_volunteers_403(world, client):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    client.force_login(world.outsider)
    assert client.get(reverse("lift_project_detail", args=[project.pk])).status_code == 404
    client.force_login(world.resident)
    assert client.get(reverse("lift_overview", args=[world.community.pk])).status_code in (403, 404)


# ── The community's own stages ──────────────────────────────────────────────────────────────────────


def test_staff_add_a_stage_and_a_project_past_that_point_completes_it_in_order(world):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    _complete(world, project, "survey", "publicity", day=dt.date(2026, 4, 1))
    publicity = _stage(project, "publicity")
    added = services.stage_add(
        actor=world.staff, community_id=world.community.pk, after=_stage(project, "survey"), name="楼组议事会"
    )
    names = [s.name for s in selectors.stages_of(world.community.pk)]
    assert names[:4] == ["意向摸排", "楼组议事会", "宣传动员", "意愿征询"] and len(names) == 11
    assert selectors.current_stage(project) == added  # the new stage comes before the current one
    with pytest.raises(DomainError, match="楼组议事会"):
        services.stage_complete(
            actor=world.staff,
            project=project,
            stage=_stage(project, "consultation"),
            completed_on=dt.date(2026, 4, 2),
        )
    services.stage_complete(actor=world.staff, project=project, stage=added, completed_on=dt.date(2026, 4, 2))
    record = StageRecord.objects.get(project=project, stage=added)
    assert record.started_on == dt.date(2026, 4, 1) and publicity.pk != added.pk
    assert selectors.current_stage(project).code == "consultation"
    with pytest.raises(DomainError, match="已有项目记录"):
        services.stage_remove(actor=world.staff, stage=added)


def test_coded_stages_stay_and_only_staff_edit_the_list(world):
    stages = services.stages_ensure(world.community.pk)
    with pytest.raises(DomainError, match="不能删除"):
        services.stage_remove(actor=world.staff, stage=stages[0])
    with pytest.raises(DomainError, match="居委工作人员"):
        services.stage_rename(actor=world.building_leader, stage=stages[0], name="摸底")
    services.stage_rename(actor=world.staff, stage=stages[0], name="意向摸底")
    own = services.stage_add(
        actor=world.staff, community_id=world.community.pk, after=stages[-1], name="回访"
    )
    services.stage_remove(actor=world.staff, stage=own)
    assert [s.position for s in selectors.stages_of(world.community.pk)] == list(range(1, 11))
    assert selectors.stages_of(world.community.pk)[0].name == "意向摸底"


def test_the_stages_page_renames_and_refuses_in_chinese(world, client):
    stages = services.stages_ensure(world.community.pk)
    client.force_login(world.staff)
    url = reverse("lift_stages", args=[world.community.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "remove", "stage": stages[0].pk, "name": "x"})
    assert response.status_code == 400 and "不能删除" in response.content.decode()
    response = client.post(
        url, {"action": "rename", "stage": stages[1].pk, "name": "宣传发动", "description": ""}
    )
    assert response.status_code == 302 and selectors.stages_of(world.community.pk)[1].name == "宣传发动"
    client.force_login(world.building_leader)
    assert client.get(url).status_code == 403


def test_facts_and_stop_from_the_project_page(world, client):
    project = services.project_create(actor=world.staff, entrance=world.entrance_1, started_on=START)
    client.force_login(world.building_leader)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("lift_project_facts", args=[project.pk]), {"in_use_on": tomorrow})
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()
    response = client.post(reverse("lift_project_facts", args=[project.pk]), {"estimated_cost": "480000.00"})
    assert response.status_code == 302
    assert LiftProject.objects.get(pk=project.pk).estimated_cost == Decimal("480000.00")
    response = client.post(reverse("lift_project_stop", args=[project.pk]), {"reason": "业主暂缓"})
    assert (
        response.status_code == 302 and LiftProject.objects.get(pk=project.pk).status == ProjectStatus.STOPPED
    )
