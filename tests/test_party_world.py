"""The party overlay of the test world, shared by the tests/test_party_* files (`party_setup`).

测试一村 gets two branches. Party members (all synthetic): 赵阿姨 (building 1, full member 50 years ago
this January: this year's medal candidate), 孙奶奶 (building 1, probationary), 李大爷 (building 2, full
member for 30 years). 吴外区 in the neighbouring community is a member of its own branch.
"""

import datetime as dt
from dataclasses import dataclass

from linli.organizing import party
from linli.registry.models import PartyBranch, Resident

TODAY = dt.date.today()
YEAR = max(TODAY.year, party.MEDAL_FIRST_YEAR)


@dataclass
class Party:
    first: PartyBranch  # 测试一支部 of 测试一村: 赵阿姨 and 孙奶奶
    second: PartyBranch  # 测试二支部 of 测试一村: 李大爷
    neighbour: PartyBranch  # 测试二村's branch: 吴外区
    far: PartyBranch  # 远方家园's branch: 郑远方


def _member(resident, branch, joined: dt.date, full: dt.date | None) -> None:
    Resident.objects.filter(pk=resident.pk).update(
        party_joined=joined, party_full_member=full, party_branch=branch
    )
    resident.refresh_from_db()


def party_setup(world) -> Party:
    first = PartyBranch.objects.create(community=world.community, name="测试一支部")
    second = PartyBranch.objects.create(community=world.community, name="测试二支部")
    neighbour = PartyBranch.objects.create(community=world.neighbour, name="测试邻村支部")
    far = PartyBranch.objects.create(community=world.far, name="测试远方支部")
    medal_full = dt.date(YEAR - 50, 1, 15)
    _member(world.zhao, first, medal_full - dt.timedelta(days=365), medal_full)
    _member(world.sun, first, TODAY - dt.timedelta(days=100), None)
    _member(world.li, second, dt.date(TODAY.year - 31, 3, 3), dt.date(TODAY.year - 30, 3, 3))
    _member(world.wu, neighbour, dt.date(1970, 5, 5), dt.date(1971, 5, 5))
    _member(world.zheng, far, dt.date(1980, 5, 5), dt.date(1981, 5, 5))
    return Party(first=first, second=second, neighbour=neighbour, far=far)


def test_the_party_world_is_as_described(world):
    p = party_setup(world)
    assert party.is_medal_candidate(world.zhao.party_full_member, YEAR)
    assert party.standing_years(world.sun.party_full_member, TODAY) is None
    assert party.standing_years(world.li.party_full_member, TODAY) in (29, 30)
    assert set(p.first.members.values_list("name", flat=True)) == {"赵阿姨", "孙奶奶"}
