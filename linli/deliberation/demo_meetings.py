"""Demo data of meetings: a building council (楼组议事会) held ten days ago in the community's first
building — agenda, one representative per household invited, most of them signed in, approved minutes,
a resolution passed by the residents' meeting rule and two follow-up tasks — and a community meeting
planned for next week. Synthetic people only (the demo's own residents).

Called once per demo community by `linli.registry.demo` (`build`); writes with `bulk_create` (seed data,
not a change anyone made: no history rows). The demo accounts are made after the communities, so the
tasks have no owner yet; staff choose one on the meeting page.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from linli.core.models import Community
from linli.deliberation.models import (
    AgendaItem,
    Attendance,
    CheckInMethod,
    FollowUpTask,
    Invitee,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    Minutes,
    Resolution,
)
from linli.deliberation.thresholds import residents_meeting_passes
from linli.registry.models import Building, Resident

AGENDA = ("楼道堆物清理和消防通道", "加装电梯意向摸底", "楼组公约修订意见")
MINUTES = (
    "会议由楼组长主持，居委干部列席。\n"
    "一、楼道堆物：与会居民一致认为楼道堆物影响消防通道，商定本月内各户自行清理，"
    "无主杂物由楼组统一联系物业清运。\n"
    "二、加装电梯：多数居民有意向，请加梯三人组先入户摸底，下次会议通报。\n"
    "三、楼组公约：收集到修订意见三条，由楼组长整理后张贴公示。"
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def build(community: Community, *, today: dt.date, seed: int) -> None:
    r = random.Random(f"{seed}:{community.pk}:meetings")
    building = Building.objects.filter(community=community).order_by("sort_key", "number").first()
    if building is None:
        return
    residents = list(
        Resident.objects.filter(
            community=community, moved_out__isnull=True, household__flat__building=building
        ).values_list("pk", "household_id", "relation", "birth_date")
    )
    heads: dict[int, tuple] = {}
    for pk, household_id, relation, birth in residents:
        key = (relation != "head", birth, pk)
        if household_id not in heads or key < heads[household_id]:
            heads[household_id] = key
    invited = sorted(key[2] for key in heads.values())
    held_on = today - dt.timedelta(days=10)
    council = Meeting(
        community=community,
        level=MeetingLevel.BUILDING,
        title=f"{building}楼组议事会",
        starts_at=_at(held_on, 19),
        place=f"{building}底楼活动室",
        status=MeetingStatus.HELD,
    )
    planned = Meeting(
        community=community,
        level=MeetingLevel.COMMUNITY,
        title="居民区议事会：停车管理方案",
        starts_at=_at(today + dt.timedelta(days=7), 14),
        place="居委会活动室",
        status=MeetingStatus.PLANNED,
    )
    Meeting.objects.bulk_create([council, planned])
    council.buildings.add(building)
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(community=community, meeting=m, position=i, title=title)
            for m, titles in ((council, AGENDA), (planned, ("停车位划线方案", "外来车辆收费标准")))
            for i, title in enumerate(titles, start=1)
        ]
    )
    Invitee.objects.bulk_create(
        [Invitee(community=community, meeting=council, resident_id=pk) for pk in invited]
    )
    present = [pk for pk in invited if r.random() < 0.8] or invited[:1]
    Attendance.objects.bulk_create(
        [
            Attendance(
                community=community,
                meeting=council,
                resident_id=pk,
                method=CheckInMethod.QR if r.random() < 0.4 else CheckInMethod.STAFF,
                at=_at(held_on, 19) - dt.timedelta(minutes=r.randint(0, 15)),
            )
            for pk in present
        ]
    )
    Minutes.objects.create(
        community=community, meeting=council, text=MINUTES, approved=True, approved_at=_at(held_on, 21)
    )
    entitled, came = max(len(invited), len(present)), len(present)
    votes_for = came // 2 + 1 if came else 0
    against = (came - votes_for) // 2
    Resolution.objects.create(
        community=community,
        meeting=council,
        position=1,
        text="本月底前清理楼道堆物，无主杂物由楼组联系物业统一清运。",
        entitled=entitled,
        present=came,
        votes_for=votes_for,
        votes_against=against,
        votes_abstain=came - votes_for - against,
        passed=residents_meeting_passes(entitled=entitled, present=came, in_favour=votes_for).passed,
    )
    FollowUpTask.objects.bulk_create(
        [
            FollowUpTask(
                community=community,
                meeting=council,
                text="联系物业清运楼道无主杂物",
                due_on=today + dt.timedelta(days=1),
            ),
            FollowUpTask(
                community=community,
                meeting=council,
                text="加梯三人组入户摸底加装电梯意向",
                due_on=today + dt.timedelta(days=14),
            ),
        ]
    )
