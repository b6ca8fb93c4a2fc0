"""Demo lift projects in the demo community, one per stage that matters (issue 6 point 7), in the buildings
of the demo building leader `louzu` so that a building leader can walk them:

- 收集同意中: an entrance in 意愿征询 with persuasion visits, a policy talk and a site visit, and an open
  owners' vote with the first paper ballots in;
- 表决未通过: an entrance whose vote closed short of the thresholds, with its "still needed" list;
- 施工中: an entrance under construction with its cost plan (noticed), permit filing and duty roster;
- 已完成: an entrance whose lift runs, registered, with its photo wall (the demo resident `jumin`'s
  entrance when it qualifies, so the portal shows the wall).

Called once by `linli.registry.demo` after the demo accounts exist: everything that is computed — the
vote, the cost shares, the roster, the thumbnails — goes through the same services as the pages, with
the demo's party secretary `shuji` as the actor; only the past (stage dates, a vote that closed weeks
ago) is written directly. Synthetic people only (the demo registry's).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone

from linli.core.models import Community, Membership, Role, User
from linli.deliberation import services_votes
from linli.deliberation.models import Consultation, ConsultationStatus, Notice
from linli.elevators import services_costs, services_projects, services_roster, services_vote
from linli.elevators.models import (
    Attitude,
    BestPlaced,
    Concern,
    LiftProject,
    OutreachEvent,
    OutreachKind,
    PersonRole,
    PersuasionVisit,
    ProjectPerson,
    ProjectStatus,
    StageRecord,
)
from linli.elevators.rules_cost import default_coefficients
from linli.organizing.models import Volunteer
from linli.registry.models import Entrance, Flat, Ownership, Resident

SHANGHAI = ZoneInfo("Asia/Shanghai")
VISITORS = ["楼组长", "加梯三人组", "党员志愿者", "居委干部"]


def build(community: Community, *, today: dt.date, seed: int = 0) -> list[LiftProject]:
    actor = User.objects.filter(username="shuji").first()
    leader = User.objects.filter(username="louzu").first()
    if actor is None:
        return []
    r = random.Random(f"{seed}:lifts:{community.name}")
    entrances = _entrances(community, leader)
    if len(entrances) < 4:
        return []
    jumin_entrance = _jumin_entrance(community)
    finished_entrance = jumin_entrance if jumin_entrance in entrances else entrances[3]
    others = [e for e in entrances if e != finished_entrance]
    stages = services_projects.stages_ensure(community.pk)
    made = [
        _collecting(actor, others[0], stages, today, r),
        _failed(actor, others[1], stages, today, r),
        _construction(actor, others[2], stages, today, r),
        _finished(actor, finished_entrance, stages, today, r),
    ]
    return made


# ── Choosing the entrances ──────────────────────────────────────────────────────────────────────────


def _entrances(community: Community, leader) -> list[Entrance]:
    """Eligible entrances (4+ floors, no lift) with owners, in the leader's buildings first."""
    led = set()
    if leader is not None:
        from linli.core.scope import scope_for

        led = set(scope_for(leader).buildings)
    qs = (
        Entrance.objects.filter(community=community, has_lift=False, building__floors__gte=4)
        .annotate(flat_count=Count("flats"))
        .filter(flat_count__gte=6)
        .select_related("building")
        .order_by("building__sort_key", "building__number", "number")
    )
    entrances = list(qs)
    return [e for e in entrances if e.building_id in led] + [e for e in entrances if e.building_id not in led]


def _jumin_entrance(community: Community) -> Entrance | None:
    membership = (
        Membership.objects.filter(user__username="jumin", role=Role.RESIDENT, community=community)
        .select_related("household__flat__entrance")
        .first()
    )
    return membership.household.flat.entrance if membership and membership.household_id else None


# ── Writing the past ────────────────────────────────────────────────────────────────────────────────


def _project(actor, entrance, started_on: dt.date, estimated_cost: str | None = None) -> LiftProject:
    project = services_projects.project_create(actor=actor, entrance=entrance, started_on=started_on)
    trio = list(
        Resident.objects.filter(household__flat__entrance=entrance, moved_out__isnull=True)
        .exclude(user__isnull=False)
        .order_by("pk")[:3]
    )
    for person, duty in zip(trio, ["召集、联络各户", "政策讲解、入户沟通", "资料、账目"], strict=False):
        ProjectPerson.objects.create(
            community_id=project.community_id,
            project=project,
            role=PersonRole.TRIO,
            resident=person,
            name=person.name,
            duty=duty,
        )
    ProjectPerson.objects.create(
        community_id=project.community_id,
        project=project,
        role=PersonRole.THINK_TANK,
        name="退休结构工程师（智囊团）",
        duty="结构安全、方案比选答疑",
    )
    if estimated_cost:
        project.estimated_cost = Decimal(estimated_cost)
        project.save(update_fields=["estimated_cost"])
    return project


def _stages_done(project: LiftProject, stages, dates: list[dt.date]) -> None:
    """Complete the first len(dates) − 1 stages on the given days (each next stage starts the day the
    one before ends); the last date starts the current stage. Written directly: this is the past."""
    StageRecord.objects.filter(project=project).delete()
    for stage, (start, end) in zip(stages, zip(dates, dates[1:] + [None], strict=True), strict=False):
        StageRecord.objects.create(
            community_id=project.community_id,
            project=project,
            stage=stage,
            started_on=start,
            completed_on=end,
        )
        if end is None:
            break


def _flats(entrance) -> list[Flat]:
    return list(Flat.objects.filter(entrance=entrance).order_by("floor", "number"))


def _owners_of(flat) -> list[int]:
    return list(Ownership.objects.filter(flat=flat).values_list("owner_id", flat=True))


def _visits(
    project, entrance, today, r, *, support: float, oppose: float, contacted: float
) -> dict[int, str]:
    """Persuasion visits per flat: one or two visits, the latest deciding the flat's attitude."""
    attitudes = {}
    rows = []
    for flat in _flats(entrance):
        if r.random() > contacted:
            attitudes[flat.pk] = Attitude.UNCONTACTED
            continue
        roll = r.random()
        attitude = (
            Attitude.SUPPORT
            if roll < support
            else Attitude.OPPOSE
            if roll < support + oppose
            else Attitude.UNDECIDED
        )
        if flat.floor <= 2 and attitude == Attitude.SUPPORT and r.random() < 0.5:
            attitude = Attitude.UNDECIDED  # the low floors gain least and worry most
        owner = _owners_of(flat)
        first_day = today - dt.timedelta(days=r.randint(20, 40))
        concerns = []
        if attitude != Attitude.SUPPORT:
            concerns = r.sample(
                [Concern.COST, Concern.LIGHT_NOISE, Concern.PRIVACY, Concern.STRUCTURE, Concern.MAINTENANCE],
                r.randint(1, 2),
            )
            if flat.floor <= 2:
                concerns = [Concern.LIGHT_NOISE, *[c for c in concerns if c != Concern.LIGHT_NOISE]][:2]
        if r.random() < 0.5:  # a first visit that found them undecided
            rows.append(
                PersuasionVisit(
                    community_id=project.community_id,
                    project=project,
                    flat=flat,
                    owner_id=owner[0] if owner else None,
                    visited_on=first_day,
                    visited_by=r.choice(VISITORS),
                    attitude=Attitude.UNDECIDED,
                    concerns=[Concern.COST],
                    next_step="请智囊团讲解补贴政策",
                    next_on=first_day + dt.timedelta(days=7),
                )
            )
        rows.append(
            PersuasionVisit(
                community_id=project.community_id,
                project=project,
                flat=flat,
                owner_id=owner[0] if owner else None,
                visited_on=first_day + dt.timedelta(days=r.randint(8, 18)),
                visited_by=r.choice(VISITORS),
                attitude=attitude,
                concerns=concerns,
                concern_note="担心低层采光被遮挡" if Concern.LIGHT_NOISE in concerns else "",
                best_placed=r.choice([BestPlaced.PARTY_MEMBER, BestPlaced.NEIGHBOUR, BestPlaced.RELATIVE])
                if attitude != Attitude.SUPPORT
                else "",
                next_step="" if attitude == Attitude.SUPPORT else "带去参观已建成的电梯",
                next_on=None
                if attitude == Attitude.SUPPORT
                else today + dt.timedelta(days=r.randint(-3, 10)),
            )
        )
        attitudes[flat.pk] = attitude
    PersuasionVisit.objects.bulk_create(rows)
    return attitudes


def _outreach(project, entrance, today, r) -> None:
    flats = _flats(entrance)
    talk = OutreachEvent.objects.create(
        community_id=project.community_id,
        project=project,
        kind=OutreachKind.TALK,
        held_on=today - dt.timedelta(days=38),
        title="加装电梯政策宣讲会",
        place="居委会活动室",
        speaker="街道加梯办、智囊团",
        other_attendees="街道加梯办工作人员",
        note="讲解补贴政策、表决规则和费用分摊的一般做法，现场答疑。",
    )
    talk.attendees.set(r.sample(flats, max(1, len(flats) * 2 // 3)))
    visit = OutreachEvent.objects.create(
        community_id=project.community_id,
        project=project,
        kind=OutreachKind.SITE_VISIT,
        held_on=today - dt.timedelta(days=24),
        title="参观已建成电梯",
        place="凉城新村已加装电梯的门洞",
        speaker="加梯三人组",
        note="低层住户重点看了采光和噪音，与已装电梯的一楼住户交流。",
    )
    visit.attendees.set([f for f in flats if f.floor <= 2][:4])


def _vote(actor, project, *, opens_at, closes_at, agree: dict[int, str], r) -> Consultation:
    """Start the owners' vote through the service (opening now), cast paper ballots for the owners whose
    flat's attitude says so, then move its dates to `opens_at`/`closes_at` — closed when that is past."""
    now = timezone.now()
    consultation = services_vote.lift_vote_start(
        actor=actor,
        project=project,
        opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(days=1),
    )
    question = consultation.questions.get()
    choices = {c.position: c for c in question.choices.all()}  # 1 同意, 2 不同意, 3 弃权
    png = _png("BALLOT", (245, 245, 235))
    for voter in consultation.voters.select_related("owner").order_by("pk"):
        flats = list(Ownership.objects.filter(owner_id=voter.owner_id).values_list("flat_id", flat=True))
        attitude = next((agree[f] for f in flats if f in agree), Attitude.UNCONTACTED)
        if attitude == Attitude.UNCONTACTED:
            continue
        position = {Attitude.SUPPORT: 1, Attitude.OPPOSE: 2}.get(attitude, 3 if r.random() < 0.5 else None)
        if position is None:
            continue  # undecided, did not vote
        services_votes.ballot_cast(
            actor=actor,
            consultation=consultation,
            voter=voter,
            answers={question.pk: [choices[position].pk]},
            method="paper",
            photo=SimpleUploadedFile("ballot.png", png, content_type="image/png"),
        )
    closed = closes_at <= now
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=opens_at,
        opened_at=opens_at,
        closes_at=closes_at,
        status=ConsultationStatus.CLOSED if closed else ConsultationStatus.OPEN,
        closed_at=closes_at if closed else None,
    )
    return consultation


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _png(text: str, colour: tuple[int, int, int], size=(640, 480)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([12, 12, size[0] - 12, size[1] - 12], outline=(90, 90, 90), width=4)
    draw.text((40, 40), f"{text} (DEMO)", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# ── The four projects ───────────────────────────────────────────────────────────────────────────────


def _collecting(actor, entrance, stages, today, r) -> LiftProject:
    project = _project(actor, entrance, today - dt.timedelta(days=60))
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in (60, 45, 6)])
    _outreach(project, entrance, today, r)
    attitudes = _visits(project, entrance, today, r, support=0.6, oppose=0.1, contacted=0.85)
    # The vote opened this week: only some of the supporters have handed in their paper ballots so far.
    early = {k: (v if r.random() < 0.5 else Attitude.UNCONTACTED) for k, v in attitudes.items()}
    _vote(
        actor,
        project,
        opens_at=_at(today - dt.timedelta(days=5), 9),
        closes_at=_at(today + dt.timedelta(days=9), 18),
        agree={k: v for k, v in early.items() if v in (Attitude.SUPPORT, Attitude.OPPOSE)},
        r=r,
    )
    return project


def _failed(actor, entrance, stages, today, r) -> LiftProject:
    project = _project(actor, entrance, today - dt.timedelta(days=150))
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in (150, 130, 70)])
    _outreach(project, entrance, today - dt.timedelta(days=60), r)
    attitudes = _visits(
        project, entrance, today - dt.timedelta(days=50), r, support=0.5, oppose=0.25, contacted=0.95
    )
    _vote(
        actor,
        project,
        opens_at=_at(today - dt.timedelta(days=35), 9),
        closes_at=_at(today - dt.timedelta(days=21), 18),
        agree=attitudes,
        r=r,
    )
    return project


def _construction(actor, entrance, stages, today, r) -> LiftProject:
    project = _project(actor, entrance, today - dt.timedelta(days=300), estimated_cost="560000.00")
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in (300, 280, 240)])
    attitudes = _visits(
        project, entrance, today - dt.timedelta(days=240), r, support=0.9, oppose=0.0, contacted=1.0
    )
    _vote(
        actor,
        project,
        opens_at=_at(today - dt.timedelta(days=230), 9),
        closes_at=_at(today - dt.timedelta(days=216), 18),
        agree={k: Attitude.SUPPORT if v != Attitude.OPPOSE else v for k, v in attitudes.items()},
        r=r,
    )
    _cost_plan(actor, project, entrance, notice_days_ago=200)
    project.permit_number = "开工信息报送 2026-0318"
    project.save(update_fields=["permit_number"])
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in (300, 280, 240, 214, 150, 40, 25)])
    _roster(actor, project, today)
    return project


def _finished(actor, entrance, stages, today, r) -> LiftProject:
    project = _project(actor, entrance, today - dt.timedelta(days=700), estimated_cost="498000.00")
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in (700, 680, 640)])
    attitudes = _visits(
        project, entrance, today - dt.timedelta(days=640), r, support=0.95, oppose=0.0, contacted=1.0
    )
    _vote(
        actor,
        project,
        opens_at=_at(today - dt.timedelta(days=630), 9),
        closes_at=_at(today - dt.timedelta(days=616), 18),
        agree=dict.fromkeys(attitudes, Attitude.SUPPORT),
        r=r,
    )
    _cost_plan(actor, project, entrance, notice_days_ago=600)
    days = (700, 680, 640, 614, 560, 470, 450, 300, 280, 260, 250)
    _stages_done(project, stages, [today - dt.timedelta(days=d) for d in days])
    LiftProject.objects.filter(pk=project.pk).update(
        status=ProjectStatus.FINISHED,
        permit_number="开工信息报送 2025-0102",
        in_use_on=today - dt.timedelta(days=300),
        registered_on=today - dt.timedelta(days=285),
        lift_manager="物业公司（电梯使用管理人）",
    )
    Entrance.objects.filter(pk=entrance.pk).update(has_lift=True)
    _photos(actor, project, stages, today)
    return project


def _cost_plan(actor, project, entrance, *, notice_days_ago: int) -> None:
    floors = entrance.building.floors
    services_costs.cost_plan_save(
        actor=actor,
        project=project,
        total_cost=project.estimated_cost,
        eligible_cost=project.estimated_cost,
        other_funds=Decimal("20000.00"),
        other_funds_note="维修资金",
        method="area",
        coefficients=default_coefficients(floors),
    )
    notice = services_costs.cost_plan_publish(actor=actor, project=project)
    start = timezone.now() - dt.timedelta(days=notice_days_ago)
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(days=20), closed_at=start + dt.timedelta(days=20)
    )


def _roster(actor, project, today) -> None:
    """The stairwell watch for the construction weeks: enough of the community's adult volunteers that
    every weekday morning and afternoon (and weekend ones, for make-up workdays) has at least two people
    free, each willing to take up to 15 shifts; the roster itself comes from the solver."""
    from linli.organizing.models.volunteers import SLOT_BITS

    candidates = list(
        Volunteer.objects.filter(community_id=project.community_id, left_on__isnull=True, is_minor=False)
        .exclude(availability=0)
        .order_by("pk")
    )
    chosen: list[Volunteer] = []
    for bit in (v for k, v in SLOT_BITS.items() if not k.endswith("evening")):
        free = [v for v in chosen if v.availability & bit]
        for volunteer in (v for v in candidates if v.availability & bit and v not in chosen):
            if len(free) >= 2:
                break
            chosen.append(volunteer)
            free.append(volunteer)
    if len(chosen) < 3:
        return
    slots = [
        services_roster.slot_make(label=str(label), start=s, end=e)
        for label, s, e in services_roster.DEFAULT_SLOTS
    ]
    services_roster.roster_generate(
        actor=actor,
        project=project,
        starts_on=today - dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=30),
        slots=slots,
        members=[(v, 15, ()) for v in chosen],
        time_limit_s=3.0,
    )


def _photos(actor, project, stages, today) -> None:
    from linli.elevators.services_photos import photo_add

    by_code = {s.code: s for s in stages}
    shots = [
        ("publicity", "政策宣讲会现场", 675, (214, 234, 248)),
        ("consultation", "业主表决结果公告张贴", 615, (232, 245, 233)),
        ("construction", "基坑开挖，楼道志愿者值守", 430, (255, 243, 224)),
        ("construction", "钢结构井道吊装", 380, (255, 236, 210)),
        ("acceptance", "联合竣工验收", 262, (237, 231, 246)),
        ("operation", "电梯投入使用，居民第一次乘坐", 298, (252, 228, 236)),
    ]
    for code, caption, days_ago, colour in shots:
        stage = by_code.get(code)
        if stage is None:
            continue
        photo_add(
            actor=actor,
            project=project,
            stage=stage,
            upload=SimpleUploadedFile(f"{code}.png", _png(code.upper(), colour), content_type="image/png"),
            caption=caption,
            taken_on=today - dt.timedelta(days=days_ago),
        )
