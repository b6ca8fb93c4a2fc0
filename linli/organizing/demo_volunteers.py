"""Demo data of volunteering: volunteers (the groups' members and other residents, a few people from
outside the community, two 小先生 with their guardian's consent), the talent registry (能人达人), a year of
service hours and the coming fortnight's duty shifts. Synthetic people only.

Called once per demo community by `linli.registry.demo` after its groups are written (`build`); reads what
it needs back from the database (a handful of queries) and writes with `bulk_create` (seed data, not a
change anyone made: no history rows). The demo accounts are made after the communities, so
`link_demo_user` links the `zhiyuan` login to its volunteer record afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from faker.providers.person.zh_CN import Provider as ChineseNames

from linli.core.models import Community, User
from linli.organizing.models import (
    Duty,
    Group,
    GroupMember,
    ServiceRecord,
    SkillCategory,
    Talent,
    TalentSkill,
    Volunteer,
    VolunteerSettings,
    Willingness,
)
from linli.organizing.models.volunteers import SLOTS, availability_mask
from linli.registry.models import Consent, ConsentPurpose, Relation, Resident, age_on

# What each group's volunteers do (service records and duties).
ACTIVITIES = {
    "初心组": ("党群服务站值班", "楼道堆物巡查", "垃圾分类督导", "社区环境清洁"),
    "暖心组": ("上门探访独居老人", "陪老人就医", "为困难家庭送米送油", "帮老人包馄饨、量血压"),
    "乐心组": ("合唱队排练", "书画班教学", "社区文艺演出", "教老人使用智能手机"),
    "童心组": ("寒假小先生课堂", "陪小学生做作业", "亲子阅读活动"),
    "安心组": ("邻里纠纷调解", "法律咨询接待", "防诈骗宣传"),
    "齐心组": ("加梯政策宣讲", "加梯意向征询入户", "加梯施工现场值守"),
}
GENERAL = ("楼道堆物巡查", "垃圾分类督导", "社区环境清洁", "疫苗接种点引导")
DUTIES = {
    "初心组": ("党群服务站值班", "平安巡逻"),
    "暖心组": ("独居老人探访", "助餐点送餐"),
    "乐心组": ("活动室开放值守",),
    "童心组": ("四点半课堂看护",),
    "安心组": ("调解室接待",),
    "齐心组": ("加梯施工现场值守",),
}
PLACES = ("党群服务站", "居委会活动室", "小区东门", "助餐点", "3号楼楼道", "12号楼加梯工地")
HOURS = (Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("4"))
# Talent descriptions by skill: who a committee finds in its 六星能人 registry.
DESCRIPTIONS = {
    SkillCategory.REPAIR: ("退休电工，会修水电", "会修水管、换灯泡", "会修自行车和小家电"),
    SkillCategory.MEDICAL: ("退休护士，会量血压、测血糖", "社区医院退休医生"),
    SkillCategory.LEGAL: ("退休法官，可做法律咨询", "在职律师，周末可咨询"),
    SkillCategory.ARTS: ("会拉二胡", "沪剧爱好者", "广场舞领队"),
    SkillCategory.CALLIGRAPHY: ("写春联", "国画爱好者"),
    SkillCategory.TUTORING: ("退休中学数学老师", "可辅导小学英语"),
    SkillCategory.COUNSELLING: ("心理咨询师", "善于与老人谈心"),
    SkillCategory.DIGITAL: ("会教老人用智能手机", "会修电脑"),
    SkillCategory.HAIRCUT: ("会理发，可上门", "退休理发师"),
    SkillCategory.COOKING: ("会做上海本帮菜", "会包馄饨、做点心"),
    SkillCategory.LANGUAGES: ("会英语和日语", "退休外语教师"),
    SkillCategory.MEDIATION: ("热心肠，善于调解邻里矛盾",),
    SkillCategory.PHOTOGRAPHY: ("摄影爱好者，可为活动拍照",),
    SkillCategory.SEWING: ("会缝补、改衣服",),
    SkillCategory.ACCOUNTING: ("退休会计",),
}
OUTSIDERS = (
    ("附近高校大学生志愿者", "sat_morning sat_afternoon sun_morning"),
    ("辖区单位在职党员", "sat_morning sun_morning"),
    ("社区卫生服务中心志愿者", "tue_afternoon thu_afternoon"),
    ("辖区学校教师志愿者", "wed_evening sat_morning"),
)
PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "158", "186", "187")
EXTRA_SHARE = 0.012  # residents outside the groups who volunteer too
TALENT_SHARE = 0.03  # adults in the talent registry
DUTY_DAYS = 14


@dataclass(frozen=True)
class VolunteerDemo:
    volunteers: int
    records: int
    duties: int
    talents: int


def _name(r: random.Random) -> str:
    given = ChineseNames.first_names_male if r.random() < 0.5 else ChineseNames.first_names_female
    return r.choice(list(ChineseNames.last_names)[:100]) + r.choice(list(given))


def _availability(r: random.Random) -> int:
    weekend = [s for s in SLOTS if s[:3] in ("sat", "sun")]
    return availability_mask(r.sample(SLOTS, r.randint(1, 4)) + r.sample(weekend, r.randint(0, 2)))


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def zhiyuan_member(community: Community) -> GroupMember | None:
    """The 初心组 member the `zhiyuan` login volunteers as: the first current one (the demo accounts name
    the login after the group's first member)."""
    return (
        GroupMember.objects.filter(
            group__community=community,
            group__name="初心组",
            left_on__isnull=True,
            resident__moved_out__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def build(community: Community, *, today: dt.date, seed: int = 0) -> VolunteerDemo:
    r = random.Random(f"{seed}:volunteers:{community.name}")
    groups = {g.pk: g for g in Group.objects.filter(community=community)}
    members = list(
        GroupMember.objects.filter(
            community=community, left_on__isnull=True, resident__moved_out__isnull=True
        ).values_list("group_id", "resident_id", "joined_on")
    )
    group_of: dict[int, list[int]] = {}  # resident → current groups
    joined: dict[int, dt.date] = {}
    for group_id, resident_id, joined_on in members:
        group_of.setdefault(resident_id, []).append(group_id)
        joined[resident_id] = min(joined.get(resident_id, joined_on), joined_on)
    people = list(
        Resident.objects.filter(community=community, moved_out__isnull=True).values_list(
            "pk", "birth_date", "household_id", "relation", "gender", "moved_in"
        )
    )
    adults = [p for p in people if 18 <= age_on(p[1], today) <= 78]

    # Volunteers: the groups' members, some other adults, a few outsiders and two 小先生.
    rows: list[Volunteer] = []
    for resident_id in group_of:
        rows.append(
            Volunteer(
                community=community,
                resident_id=resident_id,
                registered_on=max(joined[resident_id], today - dt.timedelta(days=365 * 3)),
                availability=_availability(r),
            )
        )
    others = [p for p in adults if p[0] not in group_of and age_on(p[1], today) <= 72]
    for pk, _born, _home, _rel, _g, moved_in in r.sample(
        others, min(len(others), int(len(people) * EXTRA_SHARE))
    ):
        start = max(moved_in or today - dt.timedelta(days=900), today - dt.timedelta(days=900))
        rows.append(
            Volunteer(
                community=community,
                resident_id=pk,
                registered_on=start + dt.timedelta(days=r.randint(0, max((today - start).days - 30, 0))),
                availability=_availability(r),
            )
        )
    for label, slots in OUTSIDERS:
        rows.append(
            Volunteer(
                community=community,
                name=_name(r),
                phone=r.choice(PHONE_PREFIXES) + f"{r.randrange(10**8):08d}",
                registered_on=today - dt.timedelta(days=r.randint(60, 600)),
                availability=availability_mask(slots.split()),
                note=label,
            )
        )
    rows += _little_teachers(r, community, people, today)
    # One who stopped last year: the list's "已退出" filter has someone to show.
    zhiyuan = zhiyuan_member(community)
    if len(rows) > 10:
        gone = rows[len(rows) // 2]
        if gone.registered_on < today - dt.timedelta(days=200) and (
            zhiyuan is None or gone.resident_id != zhiyuan.resident_id
        ):
            gone.left_on = today - dt.timedelta(days=r.randint(30, 150))
    volunteers = Volunteer.objects.bulk_create(rows)

    records = _service_records(r, community, volunteers, group_of, groups, today)
    duties = _duties(r, community, volunteers, group_of, groups, today, zhiyuan)
    talents = _talents(r, community, adults, group_of)
    VolunteerSettings.objects.bulk_create([VolunteerSettings(community=community, show_leaderboard=True)])
    return VolunteerDemo(volunteers=len(volunteers), records=records, duties=duties, talents=talents)


def _little_teachers(r: random.Random, community: Community, people, today: dt.date) -> list[Volunteer]:
    """Two children (9–13) with a parent at home: the parent's consent (PIPL art. 31), then the child."""
    parents: dict[int, tuple[int, str]] = {}
    for pk, born, home, relation, gender, _moved in people:
        if relation in (Relation.HEAD, Relation.SPOUSE) and 28 <= age_on(born, today) <= 55:
            parents.setdefault(home, (pk, gender))
    children = [
        p for p in people if 9 <= age_on(p[1], today) <= 13 and p[3] == Relation.CHILD and p[2] in parents
    ]
    chosen = r.sample(children, min(2, len(children)))
    given = today - dt.timedelta(days=r.randint(30, 200))
    consents = Consent.objects.bulk_create(
        [
            Consent(
                community=community,
                resident_id=child[0],
                purpose=ConsentPurpose.OTHER,
                purpose_detail="参加社区志愿服务（小先生）",
                given_on=given,
                guardian_id=parents[child[2]][0],
                guardian_relation="父亲" if parents[child[2]][1] == "M" else "母亲",
            )
            for child in chosen
        ]
    )
    return [
        Volunteer(
            community=community,
            resident_id=child[0],
            registered_on=given,
            is_minor=True,
            guardian_consent=consent,
            availability=availability_mask(["sat_morning", "sun_afternoon"]),
            note="社区小先生",
        )
        for child, consent in zip(chosen, consents, strict=True)
    ]


def _service_records(r, community, volunteers, group_of, groups, today) -> int:
    """A year of hours: each volunteer serves on some days (at most one record a day), most recorded
    under one of their groups; the last fortnight's partly still unconfirmed."""
    rows = []
    year_ago = today - dt.timedelta(days=365)
    for v in volunteers:
        start = max(v.registered_on, year_ago)
        end = v.left_on or today
        span = (end - start).days
        if span <= 0:
            continue
        their_groups = [groups[g] for g in group_of.get(v.resident_id, []) if g in groups]
        active = r.choice((0.015, 0.03, 0.05, 0.08)) if not v.is_minor else 0.03
        days = sorted({start + dt.timedelta(days=r.randrange(span)) for _ in range(int(span * active) + 1)})
        for day in days:
            group = r.choice(their_groups) if their_groups and r.random() < 0.8 else None
            activity = r.choice(ACTIVITIES.get(group.name, GENERAL) if group else GENERAL)
            recent = (today - day).days < 14
            confirmed = not recent or r.random() < 0.5
            rows.append(
                ServiceRecord(  # ids, not rows: no related-object bookkeeping per record
                    community_id=community.pk,
                    volunteer_id=v.pk,
                    date=day,
                    hours=r.choice(HOURS) if not v.is_minor else Decimal("1"),
                    activity=activity,
                    group_id=group.pk if group else None,
                    recorded_at=_aware(day, 20),
                    confirmed_at=_aware(day + dt.timedelta(days=1), 10) if confirmed else None,
                )
            )
    ServiceRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _duties(r, community, volunteers, group_of, groups, today, zhiyuan) -> int:
    """The coming fortnight: every 暖心组 member (the leader too) and the `zhiyuan` volunteer get a few
    shifts, other volunteers some; never two on one day for one person."""
    warm = next((g for g in groups.values() if g.name == "暖心组"), None)
    rows = []
    for v in volunteers:
        if v.left_on:
            continue
        their = group_of.get(v.resident_id, [])
        keen = (warm is not None and warm.pk in their) or (
            zhiyuan is not None and v.resident_id == zhiyuan.resident_id
        )
        count = r.randint(2, 4) if keen else (1 if r.random() < 0.25 else 0)
        in_warm = warm is not None and warm.pk in their
        group = warm if in_warm else (groups.get(their[0]) if their else None)
        for day in sorted(r.sample(range(1, DUTY_DAYS + 1), count)):
            task = r.choice(DUTIES.get(group.name, ("平安巡逻",)) if group else ("平安巡逻", "垃圾分类督导"))
            hour = r.choice((8, 9, 14, 15, 18))
            starts = _aware(today + dt.timedelta(days=day), hour)
            rows.append(
                Duty(
                    community=community,
                    volunteer=v,
                    group=group,
                    task=task,
                    place=r.choice(PLACES),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=r.choice((1, 2, 2, 3))),
                )
            )
    # A shift in the next few hours for the 暖心组 leader and the `zhiyuan` volunteer, so the worker that
    # `make demo` starts sends their reminders at its first tick and the inbox shows what jobs deliver.
    soon = timezone.localtime(timezone.now() + dt.timedelta(hours=3)).replace(
        minute=0, second=0, microsecond=0
    )
    if soon.hour < 8 or soon.hour > 19:  # in daylight, and still within the day the reminders look ahead
        soon = (soon + dt.timedelta(days=1 if soon.hour > 19 else 0)).replace(hour=8)
    first = {warm.leader_id if warm is not None else None, zhiyuan.resident_id if zhiyuan else None}
    for v in volunteers:
        if v.left_on is None and v.resident_id is not None and v.resident_id in first:
            rows.append(
                Duty(
                    community=community,
                    volunteer=v,
                    group=warm if v.resident_id == warm.leader_id else None,
                    task="独居老人探访" if v.resident_id == warm.leader_id else "平安巡逻",
                    place=PLACES[0],
                    starts_at=soon,
                    ends_at=soon + dt.timedelta(hours=2),
                )
            )
    Duty.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _talents(r, community, adults, group_of) -> int:
    """About 3% of adults, the groups' members more often, with one to three skills each."""
    pool = [p for p in adults if p[0] in group_of or r.random() < TALENT_SHARE]
    chosen = [p for p in pool if p[0] not in group_of or r.random() < 0.4]
    skills = [c for c in SkillCategory.values if c != SkillCategory.OTHER]
    talents, picked = [], []
    for pk, *_rest in chosen:
        categories = r.sample(skills, r.choice((1, 1, 2, 3)))
        picked.append(categories)
        talents.append(
            Talent(
                community=community,
                resident_id=pk,
                description="；".join(r.choice(DESCRIPTIONS[c]) for c in categories),
                availability=_availability(r),
                willingness=r.choices(Willingness.values, weights=(4, 5, 1))[0],
            )
        )
    talents = Talent.objects.bulk_create(talents, batch_size=1000)
    TalentSkill.objects.bulk_create(
        [
            TalentSkill(community=community, talent=t, category=c)
            for t, categories in zip(talents, picked, strict=True)
            for c in categories
        ],
        batch_size=1000,
    )
    return len(talents)


def link_demo_user(community: Community, username: str = "zhiyuan") -> None:
    """Run once the demo accounts exist: link the demo volunteer login to its volunteer record, and the
    volunteers whose resident record has a sign-in (the 暖心组 leader …) to it, so reminders reach them."""
    user = User.objects.filter(username=username).first()
    member = zhiyuan_member(community)
    if user is not None and member is not None:
        Volunteer.objects.filter(
            community=community, resident_id=member.resident_id, left_on__isnull=True
        ).update(user=user)
    signed_in = Volunteer.objects.filter(
        community=community, user__isnull=True, resident__user__isnull=False, resident__moved_out__isnull=True
    ).values_list("pk", "resident__user_id")
    for pk, user_id in list(signed_in):  # a handful: the demo's leaders
        Volunteer.objects.filter(pk=pk).update(user_id=user_id)
