"""A copy of one person's data (PIPL art. 45) covers what the organizing app and the inbox hold about them:
group memberships with their dates, the posts they held, volunteer records, service hours, duties, the
talent record, in-service party-member records and identity posts, their notifications — only of their
own community, and every section present (empty) for a person with none of it."""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from linli.notifications.models import Kind, Notification, Preference
from linli.organizing.models import (
    Duty,
    Group,
    GroupMember,
    InServiceMember,
    LiftTrioMember,
    ServiceRecord,
    Volunteer,
)
from linli.organizing.models.volunteers import availability_mask
from linli.organizing.services_party import InServiceData, identity_post_set, in_service_create
from linli.organizing.services_volunteers import TalentData, talent_save
from linli.registry import pipl
from linli.registry.models import PartyBranch
from tests.factories import FlatFactory, HouseholdFactory, ResidentFactory, UserFactory

NAME = "欧阳热心"
PHONE = "13955551234"  # the in-service record's phone, as they registered it
WORK_UNIT = "枫林路社区卫生服务中心"
SERVICES = "周末在活动室义诊量血压"
VOLUNTEER_NOTE = "膝盖不好，只能坐着值班"
RECORD_NOTE = "带孙子欧阳小宝一起来帮忙"
TALENT = "会修自行车和电饭煲"
OLD_TALENT = "会修自行车"
TODAY = dt.date(2025, 6, 1)
SECTIONS = {
    "group_memberships": [],
    "group_posts": [],
    "lift_trio_seats": [],
    "volunteer_records": [],
    "service_records": [],
    "duties": [],
    "talent": None,
    "in_service_records": [],
    "identity_posts": [],
    "notifications": [],
    "notification_preferences": [],
}


def at(day: dt.date, hour: int):
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def organised_person(world) -> SimpleNamespace:
    """欧阳热心 of building 1, in everything the organizing app keeps: a past and a current membership,
    deputy then leader of the 初心组, deputy of building 1's group and a lift-trio seat, a volunteer with
    hours in two groups and a duty, a talent entry (changed once), an in-service record with a phone and
    an identity post, a resident identity post, a notification and a preference."""
    staff = world.staff
    user = UserFactory(username="ouyang", display_name="ouyang")
    person = ResidentFactory(
        household=HouseholdFactory(flat=FlatFactory(entrance=world.entrance_1, floor=3, number="303")),
        name=NAME,
        gender="M",
        birth_date=dt.date(1962, 5, 4),
        party_joined=dt.date(1990, 7, 1),
        user=user,
    )
    community = world.community
    chuxin = Group.objects.create(community=community, name="初心组")
    GroupMember.objects.create(
        community=community,
        group=world.group,
        resident=person,
        joined_on=dt.date(2023, 1, 1),
        left_on=dt.date(2023, 6, 30),
    )
    GroupMember.objects.create(
        community=community, group=chuxin, resident=person, joined_on=dt.date(2024, 3, 1)
    )
    chuxin._history_user = staff
    chuxin.deputy = person
    chuxin.save()
    chuxin.deputy, chuxin.leader = None, person
    chuxin.save()
    building_group = world.building_group
    building_group._history_user = staff
    building_group.deputy = person
    building_group.save()
    LiftTrioMember.objects.create(community=community, building_group=building_group, resident=person, seat=1)

    volunteer = Volunteer.objects.create(
        community=community,
        resident=person,
        name=NAME,  # a copy, as older data and imports have
        user=user,
        registered_on=dt.date(2024, 1, 1),
        note=VOLUNTEER_NOTE,
        availability=availability_mask(["mon_morning", "sat_afternoon"]),
    )
    confirmed = {"recorded_by": staff, "confirmed_by": staff, "confirmed_at": at(dt.date(2025, 4, 30), 18)}
    records = [
        ServiceRecord.objects.create(
            community=community,
            volunteer=volunteer,
            date=dt.date(2025, 3, 10),
            hours=Decimal("2.5"),
            activity="陪独居老人聊天",
            group=world.group,
            note=RECORD_NOTE,
            **confirmed,
        ),
        ServiceRecord.objects.create(
            community=community,
            volunteer=volunteer,
            date=dt.date(2025, 4, 2),
            hours=Decimal("1"),
            activity="楼道清扫",
            group=chuxin,
            **confirmed,
        ),
        ServiceRecord.objects.create(
            community=community,
            volunteer=volunteer,
            date=dt.date(2025, 4, 20),
            hours=Decimal("1.5"),
            activity="整理图书角",
            recorded_by=staff,
        ),
    ]
    duty = Duty.objects.create(
        community=community,
        volunteer=volunteer,
        group=world.group,
        task="楼道巡查",
        place="1号楼",
        starts_at=at(dt.date(2025, 3, 10), 9),
        ends_at=at(dt.date(2025, 3, 10), 11),
        created_by=staff,
    )
    talent_save(actor=staff, resident=person, data=TalentData(skills=["repair"], description=OLD_TALENT))
    talent = talent_save(
        actor=staff,
        resident=person,
        data=TalentData(
            skills=["repair", "digital"],
            description=TALENT,
            availability=["sat_morning", "sat_afternoon"],
            willingness="regular",
        ),
    )
    branch = PartyBranch.objects.create(community=community, name="第三党支部")
    member = in_service_create(
        actor=staff,
        community=community,
        data=InServiceData(
            name=NAME,
            work_unit=WORK_UNIT,
            registered_on=dt.date(2024, 5, 1),
            phone=PHONE,
            resident_id=person.pk,
            branch_id=branch.pk,
            services=SERVICES,
            group_id=chuxin.pk,
            identity_post="义诊岗",
        ),
        today=TODAY,
    )
    post = identity_post_set(
        actor=staff, resident=person, post="楼道堆物巡查岗", started_on=dt.date(2024, 6, 1), today=TODAY
    )
    notification = Notification.objects.create(
        recipient=user,
        community=community,
        kind=Kind.DUTY_REMINDER,
        title="值班提醒：3月10日 09:00–11:00 楼道巡查",
        body="您好！您有一次值班。",
        dedupe_key=f"duty:{duty.pk}:x:reminder",
    )
    Preference.objects.create(user=user, kind=Kind.DUTY_REMINDER, mode="instant", channels=["sms"])
    return SimpleNamespace(
        person=person,
        user=user,
        chuxin=chuxin,
        volunteer=volunteer,
        records=records,
        duty=duty,
        talent=talent,
        branch=branch,
        member=member,
        post=post,
        notification=notification,
    )


@pytest.fixture
def ouyang(world):
    return organised_person(world)


def export(client, world, person) -> dict:
    client.force_login(world.staff)
    response = client.post(reverse("person_export", args=[person.pk]), {"reason": "本人申请查阅"})
    assert response.status_code == 200
    return json.loads(response.content.decode("utf-8"))


def test_the_export_has_the_organizing_sections(world, client, ouyang):
    data = export(client, world, ouyang.person)
    assert set(SECTIONS) <= set(data)
    assert list(data)[-2:] == ["history", "access_log"]  # the registry's own sections keep their place
    assert [(m["group"], m["joined_on"], m["left_on"]) for m in data["group_memberships"]] == [
        ("暖心组", "2023-01-01", "2023-06-30"),
        ("初心组", "2024-03-01", None),
    ]
    assert [(s["building_group"], s["seat"], s["current"]) for s in data["lift_trio_seats"]] == [
        (str(world.building_group), 1, True)
    ]
    (volunteer,) = data["volunteer_records"]
    assert (volunteer["registered_on"], volunteer["left_on"], volunteer["note"], volunteer["sign_in"]) == (
        "2024-01-01",
        None,
        VOLUNTEER_NOTE,
        "ouyang",
    )
    assert volunteer["availability"] == ["mon_morning", "sat_afternoon"]
    assert volunteer["availability_label"] == "周一上午、周六下午"
    assert [(r["date"], r["hours"], r["group"], r["confirmed"]) for r in data["service_records"]] == [
        ("2025-03-10", "2.5", "暖心组", True),
        ("2025-04-02", "1", "初心组", True),
        ("2025-04-20", "1.5", None, False),
    ]
    assert data["service_records"][0]["note"] == RECORD_NOTE
    assert [(d["task"], d["place"], d["group"]) for d in data["duties"]] == [("楼道巡查", "1号楼", "暖心组")]
    talent = data["talent"]
    assert talent["description"] == TALENT and talent["willingness"] == "regular"
    assert [s["category"] for s in talent["skills"]] == ["digital", "repair"]
    assert talent["availability"] == ["sat_morning", "sat_afternoon"]
    (record,) = data["in_service_records"]
    # The person's own copy: the phone in clear, as the registry's part gives theirs.
    assert (record["name"], record["phone"], record["work_unit"], record["services"]) == (
        NAME,
        PHONE,
        WORK_UNIT,
        SERVICES,
    )
    assert (record["branch"], record["group"], record["registered_on"]) == (
        "第三党支部",
        "初心组",
        "2024-05-01",
    )
    assert sorted((p["post"], p["as"], p["started_on"], p["ended_on"]) for p in data["identity_posts"]) == [
        ("义诊岗", "in_service", "2024-05-01", None),
        ("楼道堆物巡查岗", "resident", "2024-06-01", None),
    ]
    (notification,) = data["notifications"]
    assert notification["title"].startswith("值班提醒") and notification["kind"] == "duty_reminder"
    assert data["notification_preferences"] == [
        {
            "kind": "duty_reminder",
            "kind_label": "值班提醒",
            "mode": "instant",
            "mode_label": "立即提醒",
            "channels": ["sms"],
        }
    ]


def test_posts_come_with_the_periods_the_history_shows(world, ouyang):
    posts = pipl.person_data(ouyang.person)["group_posts"]
    summary = [(p["kind"], p["name"], p["post"], p["current"], p["until"] is None) for p in posts]
    assert summary == [
        ("group", "初心组", "deputy", False, False),
        ("group", "初心组", "leader", True, True),
        ("building_group", str(world.building_group), "deputy", True, True),
    ]
    deputy, leader = posts[0], posts[1]
    assert deputy["until"] == leader["since"]  # one save made them leader instead of deputy
    # 李大爷's leadership was written without history (seed data): current, since unknown.
    li = pipl.person_data(world.li)["group_posts"]
    assert [(p["name"], p["post"], p["since"], p["current"]) for p in li] == [
        ("暖心组", "leader", None, True)
    ]


def test_a_person_without_organizing_data_gets_empty_sections(world, ouyang):
    data = pipl.person_data(world.zhou)
    assert {name: data[name] for name in SECTIONS} == SECTIONS
    li = pipl.person_data(world.li)  # a member, but no volunteer, talent or party record
    assert [m["group"] for m in li["group_memberships"]] == ["暖心组"]
    assert li["volunteer_records"] == li["service_records"] == li["in_service_records"] == []
    assert li["talent"] is None
    assert li["notifications"] == []  # a sign-in, but nothing sent to it


def test_another_communitys_data_never_appears(world, ouyang):
    """Rows of the neighbouring community that point at 欧阳热心 (as no service would write them) and the
    neighbour's own people stay out of the copy."""
    neighbour = world.neighbour
    elsewhere = Group.objects.create(community=neighbour, name="外村邻里组")
    GroupMember.objects.create(
        community=neighbour, group=elsewhere, resident=ouyang.person, joined_on=dt.date(2024, 1, 1)
    )
    Volunteer.objects.create(
        community=neighbour,
        resident=ouyang.person,
        registered_on=dt.date(2024, 2, 1),
        note="外村登记的备注",
    )
    InServiceMember.objects.create(
        community=neighbour,
        resident=ouyang.person,
        name="外村登记",
        phone="13955550000",
        work_unit="外村单位",
        registered_on=dt.date(2024, 1, 1),
    )
    Notification.objects.create(
        recipient=ouyang.user,
        community=neighbour,
        kind=Kind.DUTY_REMINDER,
        title="外村消息",
        dedupe_key="x:1",
    )
    wu_volunteer = Volunteer.objects.create(
        community=neighbour, resident=world.wu, registered_on=dt.date(2024, 1, 1), note="吴外区的备注"
    )
    ServiceRecord.objects.create(
        community=neighbour, volunteer=wu_volunteer, date=dt.date(2025, 3, 1), hours=3, activity="外村活动"
    )
    text = pipl.person_export_bytes(pipl.person_data(ouyang.person)).decode("utf-8")
    for foreign in ("外村邻里组", "外村登记", "13955550000", "外村单位", "外村消息", "吴外区", "外村活动"):
        assert foreign not in text, foreign
    assert NAME in text and PHONE in text and VOLUNTEER_NOTE in text  # the person's own community's rows
    data = json.loads(text)
    assert len(data["volunteer_records"]) == len(data["in_service_records"]) == 1
    assert len(data["group_memberships"]) == 2 and len(data["notifications"]) == 1


def test_a_section_may_not_replace_one_the_export_has(world):
    def clashing(resident):
        return {"resident": {"name": "假的"}}

    pipl.register_person_data_section(clashing)
    try:
        with pytest.raises(ImproperlyConfigured):
            pipl.person_data(world.zhou)
    finally:
        pipl.person_data_sections.remove(clashing)
    assert pipl.person_data(world.zhou)["resident"]["name"] == "周阿婆"
