"""The test world: two communities on one street, one on another, and a named actor for every role.

Each resident's name is unique in the world, so a test can assert that a name never appears in a page or
API response for a role that may not see that person.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation

from linli.core.models import Role
from linli.organizing.models import BuildingGroup, Group, GroupMember
from linli.registry.models import Resident, Tag
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    EntranceFactory,
    EstateFactory,
    FlatFactory,
    HouseholdFactory,
    ResidentFactory,
    StreetFactory,
    UserFactory,
    grant,
    make_id_number,
)

PASSWORD = "linli-test-pass"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese). A request leaves the language it chose active in
    the thread, so without this a test in English would turn the messages of the next test English."""
    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    street: object
    other_street: object
    community: object  # 测试一村: where every actor works
    neighbour: object  # same street, other community
    far: object  # other street
    building_1: object
    building_2: object
    entrance_1: object
    flat_101: object
    flat_102: object
    flat_201: object  # building 2
    flat_202: object  # building 2
    own_household: object  # the resident actor's household (building 1, flat 101)
    zhao: Resident  # 赵阿姨: own household, building 1
    qian: Resident  # 钱先生: own household, building 1
    sun: Resident  # 孙奶奶: building 1, another household
    li: Resident  # 李大爷: building 2, member of the 暖心组
    zhou: Resident  # 周阿婆: building 2, no group
    wu: Resident  # 吴外区: the neighbouring community
    zheng: Resident  # 郑远方: a community on another street
    group: object  # 暖心组: 李大爷 is its member and leader
    building_group: object  # the building group of building 1: 孙奶奶 leads it
    staff: object
    building_leader: object
    group_leader: object
    volunteer: object
    resident: object
    street_officer: object
    outsider: object  # staff of the neighbouring community
    superuser: object

    @property
    def residents(self) -> list[Resident]:
        return [self.zhao, self.qian, self.sun, self.li, self.zhou, self.wu, self.zheng]


@pytest.fixture
def world(db) -> World:
    street = StreetFactory(name="枫林路街道")
    other_street = StreetFactory(name="罗泾镇")
    community = CommunityFactory(street=street, name="测试一村")
    neighbour = CommunityFactory(street=street, name="测试二村")
    far = CommunityFactory(street=other_street, name="远方家园")

    estate = EstateFactory(community=community, name="一村小区")
    building_1 = BuildingFactory(estate=estate, number="1", sort_key=1)
    building_2 = BuildingFactory(estate=estate, number="2", sort_key=2)
    entrance_1 = EntranceFactory(building=building_1, number=1)
    entrance_2 = EntranceFactory(building=building_2, number=1)
    flat_101 = FlatFactory(entrance=entrance_1, floor=1, number="101")
    flat_102 = FlatFactory(entrance=entrance_1, floor=1, number="102")
    flat_201 = FlatFactory(entrance=entrance_2, floor=2, number="201")
    flat_202 = FlatFactory(entrance=entrance_2, floor=2, number="202")

    own = HouseholdFactory(flat=flat_101)
    solo = Tag.objects.get_or_create(name="独居")[0]
    zhao = ResidentFactory(
        household=own,
        name="赵阿姨",
        birth_date=dt.date(1948, 3, 2),
        id_number=make_id_number(dt.date(1948, 3, 2), "F"),
        phone="13812345678",
    )
    qian = ResidentFactory(
        household=own, name="钱先生", gender="M", birth_date=dt.date(1985, 7, 9), relation="child"
    )
    sun = ResidentFactory(
        household=HouseholdFactory(flat=flat_102), name="孙奶奶", birth_date=dt.date(1938, 1, 20)
    )
    sun.tags.add(solo)
    li = ResidentFactory(
        household=HouseholdFactory(flat=flat_201),
        name="李大爷",
        gender="M",
        birth_date=dt.date(1950, 11, 1),
        registration_type="migrant",
    )
    zhou = ResidentFactory(
        household=HouseholdFactory(flat=flat_202), name="周阿婆", birth_date=dt.date(1960, 2, 14)
    )

    n_estate = EstateFactory(community=neighbour, name="二村小区")
    wu = ResidentFactory(
        household=HouseholdFactory(
            flat=FlatFactory(entrance=EntranceFactory(building=BuildingFactory(estate=n_estate, number="1")))
        ),
        name="吴外区",
    )
    f_estate = EstateFactory(community=far, name="远方小区")
    zheng = ResidentFactory(
        household=HouseholdFactory(
            flat=FlatFactory(entrance=EntranceFactory(building=BuildingFactory(estate=f_estate, number="1")))
        ),
        name="郑远方",
    )

    group = Group.objects.create(community=community, name="暖心组")
    GroupMember.objects.create(community=community, group=group, resident=li, joined_on=dt.date(2024, 1, 1))

    def actor(username: str, role: str | None, **place):
        user = UserFactory(username=username, display_name=username)
        if role:
            grant(user, role, **place)
        return user

    staff = actor("staff", Role.STAFF, community=community)
    # Leaders hold no Membership: they lead records, through their own resident record (linli.core.scope).
    # 孙奶奶 leads building 1's building group, 李大爷 the 暖心组 (he is its only member).
    building_leader = actor("leader", None)
    group_leader = actor("groupleader", None)
    for person, user in ((sun, building_leader), (li, group_leader)):
        Resident.objects.filter(pk=person.pk).update(user=user)  # no history row: seed data, not a change
        person.user = user
    building_group = BuildingGroup.objects.create(community=community, building=building_1, leader=sun)
    Group.objects.filter(pk=group.pk).update(leader=li)
    group.leader = li
    volunteer = actor("volunteer", Role.VOLUNTEER, community=community)
    resident = actor("resident", Role.RESIDENT, community=community, household=own)
    street_officer = actor("street", Role.STREET_OFFICER, street=street)
    outsider = actor("outsider", Role.STAFF, community=neighbour)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)

    return World(
        street=street,
        other_street=other_street,
        community=community,
        neighbour=neighbour,
        far=far,
        building_1=building_1,
        building_2=building_2,
        entrance_1=entrance_1,
        flat_101=flat_101,
        flat_102=flat_102,
        flat_201=flat_201,
        flat_202=flat_202,
        own_household=own,
        zhao=zhao,
        qian=qian,
        sun=sun,
        li=li,
        zhou=zhou,
        wu=wu,
        zheng=zheng,
        group=group,
        building_group=building_group,
        staff=staff,
        building_leader=building_leader,
        group_leader=group_leader,
        volunteer=volunteer,
        resident=resident,
        street_officer=street_officer,
        outsider=outsider,
        superuser=superuser,
    )


# Who may see whom in the world: the single table the scope tests and the page/API matrix check against.
VISIBLE = {
    "staff": {"赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆"},
    "building_leader": {"赵阿姨", "钱先生", "孙奶奶"},
    "group_leader": {"李大爷"},
    "volunteer": set(),
    "resident": {"赵阿姨", "钱先生"},
    "street_officer": set(),
    "outsider": {"吴外区"},
}
ALL_NAMES = {"赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆", "吴外区", "郑远方"}
