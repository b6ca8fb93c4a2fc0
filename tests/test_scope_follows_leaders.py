"""A leader's scope comes from the building group or group they lead, through their resident record:
a change of leader changes who sees what on the very next request, a moved-out leader leads nothing,
and the scope costs the same two queries whatever a user holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core.models import Membership, Role
from linli.core.scope import scope_for
from linli.organizing import services_groups as services
from linli.organizing.models import BuildingGroup
from linli.registry.models import Building, Resident
from linli.registry.services import resident_move_out
from tests.conftest import VISIBLE
from tests.factories import EntranceFactory, UserFactory


def listed_names(client, user, community) -> set[str]:
    client.force_login(user)
    body = client.get(reverse("resident_list", args=[community.pk])).content.decode()
    return {name for name in ("赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆") if name in body}


def link(person: Resident, user) -> None:
    Resident.objects.filter(pk=person.pk).update(user=user)


def test_leaders_hold_no_membership(world):
    assert not Membership.objects.filter(user__in=[world.building_leader, world.group_leader]).exists()
    assert scope_for(world.building_leader).roles == {Role.BUILDING_LEADER}
    assert scope_for(world.group_leader).roles == {Role.GROUP_LEADER}


def test_new_building_leader_sees_the_building_at_once_and_the_old_one_loses_it(world, client):
    newcomer = UserFactory(username="newleader")
    link(world.zhao, newcomer)
    assert listed_names(client, world.building_leader, world.community) == VISIBLE["building_leader"]
    assert client.get(reverse("resident_list", args=[world.community.pk])).status_code == 200

    data = services.BuildingGroupData(leader_id=world.zhao.pk)
    services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)

    # The next request of each: the old leader has no role left, the new one sees building 1.
    client.force_login(world.building_leader)
    assert client.get(reverse("resident_list", args=[world.community.pk])).status_code == 404
    assert client.get(reverse("resident_detail", args=[world.sun.pk])).status_code == 404
    assert listed_names(client, newcomer, world.community) == VISIBLE["building_leader"]


def test_deputy_sees_the_building_as_the_leader_does(world):
    deputy = UserFactory(username="deputy")
    link(world.qian, deputy)
    assert scope_for(deputy).buildings == frozenset()
    data = services.BuildingGroupData(leader_id=world.sun.pk, deputy_id=world.qian.pk)
    services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)
    # A fresh user object is a fresh request (a request's scope is computed once, for its user object).
    fresh = type(deputy).objects.get(pk=deputy.pk)
    assert scope_for(fresh).buildings == {world.building_1.pk}
    names = set(scope_for(fresh).filter(Resident.objects.all()).values_list("name", flat=True))
    assert names == VISIBLE["building_leader"]


def test_new_group_leader_sees_the_members_at_once_and_the_old_one_loses_them(world, client):
    newcomer = UserFactory(username="newgroupleader")
    link(world.zhou, newcomer)
    services.group_member_add(
        actor=world.staff, group=world.group, resident_id=world.zhou.pk, joined_on=dt.date(2025, 3, 1)
    )
    assert listed_names(client, world.group_leader, world.community) == {"李大爷", "周阿婆"}
    assert client.get(reverse("group_detail", args=[world.group.pk])).status_code == 200

    data = services.GroupData(name="暖心组", leader_id=world.zhou.pk)
    services.group_update(actor=world.staff, group=world.group, data=data)

    client.force_login(world.group_leader)
    assert client.get(reverse("resident_list", args=[world.community.pk])).status_code == 404
    assert client.get(reverse("group_detail", args=[world.group.pk])).status_code == 404
    assert listed_names(client, newcomer, world.community) == {"李大爷", "周阿婆"}
    client.force_login(newcomer)
    assert client.get(reverse("group_detail", args=[world.group.pk])).status_code == 200


def test_a_moved_out_leader_leads_nothing(world, client):
    resident_move_out(actor=world.staff, resident=world.sun, on=dt.date(2025, 6, 1), reason="moved")
    assert scope_for(type(world.building_leader).objects.get(pk=world.building_leader.pk)).is_empty
    client.force_login(world.building_leader)
    assert client.get(reverse("building_detail", args=[world.building_1.pk])).status_code == 404


def test_a_stopped_group_grants_nothing(world):
    data = services.GroupData(name="暖心组", leader_id=world.li.pk, is_active=False)
    services.group_update(actor=world.staff, group=world.group, data=data)
    assert not scope_for(type(world.group_leader).objects.get(pk=world.group_leader.pk)).groups


def test_an_entrance_group_gives_its_leader_the_building(world):
    second = EntranceFactory(building=world.building_2, number=2)
    leader = UserFactory(username="entranceleader")
    link(world.zhou, leader)
    services.building_group_create(
        actor=world.staff,
        community=world.community,
        building_id=world.building_2.pk,
        entrance_id=second.pk,
        data=services.BuildingGroupData(leader_id=world.zhou.pk),
    )
    scope = scope_for(leader)
    assert scope.buildings == {world.building_2.pk}
    assert set(scope.filter(Building.objects.all())) == {world.building_2}


def test_only_a_current_record_may_carry_a_sign_in(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.filter(pk=world.zhou.pk).update(user=world.building_leader)
    Resident.objects.filter(pk=world.sun.pk).update(moved_out=dt.date(2025, 1, 1))
    Resident.objects.filter(pk=world.zhou.pk).update(user=world.building_leader)  # the old record is history


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_the_scope_costs_two_queries_at_most(world, actor):
    user = getattr(world, actor)
    with CaptureQueriesContext(connection) as queries:
        scope_for(user)
    assert len(queries) <= 2
    # The same for a leader of many buildings and groups: the count does not grow with what one holds.
    for number in range(3, 13):
        building = Building.objects.create(
            community=world.community, estate=world.building_1.estate, number=str(number), floors=6
        )
        BuildingGroup.objects.create(community=world.community, building=building, leader=world.sun)
    many = type(world.building_leader).objects.get(pk=world.building_leader.pk)
    with CaptureQueriesContext(connection) as queries:
        scope = scope_for(many)
    assert len(queries) == 2 and len(scope.buildings) == 11


def test_the_groups_leader_users_follow_the_same_rule(world):
    from linli.organizing.selectors_groups import group_leader_users

    assert list(group_leader_users(world.group)) == [world.group_leader]
    resident_move_out(actor=world.staff, resident=world.li, on=dt.date(2025, 6, 1), reason="moved")
    assert not group_leader_users(world.group).exists()
