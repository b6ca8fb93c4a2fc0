"""The volunteers' corner of the test world, shared by the volunteer, service-hour, duty and talent tests
(`build_vworld(world)`), and a check that it is what the other tests assume.

On top of tests/conftest.py's world: 冯小红 (an adult, building 2) and 陈小弟 (12, her son) join the 暖心组,
whose leader is 李大爷 (the `group_leader` actor); 周阿婆 is in the 乐心组; volunteers are registered for
冯小红, 李大爷 and 周阿婆, and 王外来, from outside the community, is the `volunteer` actor's own record.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.organizing.models import Duty, Group, GroupMember, ServiceRecord, Volunteer
from linli.registry.models import Consent
from tests.factories import FlatFactory, HouseholdFactory, ResidentFactory


@dataclass
class VolunteerWorld:
    world: object
    feng: object  # 冯小红, resident, 暖心组 member
    child: object  # 陈小弟, 12, 暖心组 member, no volunteer record yet
    other_group: object  # 乐心组 (周阿婆)
    v_feng: Volunteer
    v_li: Volunteer
    v_zhou: Volunteer
    v_outsider: Volunteer  # 王外来, linked to the volunteer actor

    def record(self, volunteer, day, hours, *, confirmed=True, group=None, activity="陪老人聊天"):
        now = timezone.now()
        return ServiceRecord.objects.create(
            community=volunteer.community,
            volunteer=volunteer,
            date=day,
            hours=Decimal(str(hours)),
            activity=activity,
            group=group,
            confirmed_at=now if confirmed else None,
        )

    def duty(self, volunteer, *, in_days=2, hours=2, task="楼道巡查"):
        start = timezone.now() + dt.timedelta(days=in_days)
        return Duty.objects.create(
            community=volunteer.community,
            volunteer=volunteer,
            task=task,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
        )

    def guardian_consent(self, resident, *, purpose="other", withdrawn_on=None):
        return Consent.objects.create(
            community=resident.community,
            resident=resident,
            purpose=purpose,
            purpose_detail="参加志愿服务（小先生）",
            given_on=dt.date(2025, 1, 5),
            guardian=self.feng,
            guardian_relation="母亲",
            withdrawn_on=withdrawn_on,
        )


def build_vworld(world) -> VolunteerWorld:
    """The volunteers' corner of `world`; each test file wraps it in its own `vworld` fixture."""
    today = timezone.localdate()
    home = HouseholdFactory(flat=FlatFactory(entrance=world.flat_201.entrance, floor=3, number="301"))
    feng = ResidentFactory(household=home, name="冯小红", birth_date=dt.date(1982, 4, 3))
    child = ResidentFactory(
        household=home,
        name="陈小弟",
        gender="M",
        relation="child",
        birth_date=today.replace(year=today.year - 12) - dt.timedelta(days=10),
    )
    for person in (feng, child):
        GroupMember.objects.create(
            community=world.community, group=world.group, resident=person, joined_on=dt.date(2024, 1, 1)
        )
    other_group = Group.objects.create(community=world.community, name="乐心组")
    GroupMember.objects.create(
        community=world.community, group=other_group, resident=world.zhou, joined_on=dt.date(2024, 1, 1)
    )

    def volunteer(**fields):
        return Volunteer.objects.create(
            community=world.community, registered_on=dt.date(2024, 1, 1), **fields
        )

    return VolunteerWorld(
        world=world,
        feng=feng,
        child=child,
        other_group=other_group,
        v_feng=volunteer(resident=feng),
        v_li=volunteer(resident=world.li),
        v_zhou=volunteer(resident=world.zhou),
        v_outsider=volunteer(name="王外来", phone="13912345678", user=world.volunteer),
    )


@pytest.fixture
def vworld(world) -> VolunteerWorld:
    return build_vworld(world)


def test_the_group_leader_leads_the_warm_hearts_members(vworld):
    from linli.organizing.rules_volunteers import is_own_volunteer, leads_volunteer

    leader = vworld.world.group_leader
    assert leads_volunteer(leader, vworld.v_feng)
    assert leads_volunteer(leader, vworld.v_li) and is_own_volunteer(leader, vworld.v_li)
    assert not leads_volunteer(leader, vworld.v_zhou)  # 乐心组
    assert not leads_volunteer(leader, vworld.v_outsider)
    assert is_own_volunteer(vworld.world.volunteer, vworld.v_outsider)
