"""Building groups (楼组): one per building or per entrance (the database says so), with a chosen name,
leader, deputy and lift trio; the party members living there come from the registry. A building leader
sees only their own building groups and may rename theirs and choose its trio, never its leaders."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from linli.core.errors import DomainError
from linli.organizing import services_groups as services
from linli.organizing.models import BuildingGroup, LiftTrioMember
from linli.registry.models import Resident
from tests.factories import EntranceFactory, FlatFactory, HouseholdFactory, ResidentFactory


@pytest.fixture
def building_2_group(world):
    return BuildingGroup.objects.create(
        community=world.community, building=world.building_2, leader=world.zhou
    )


def page(client, user, url_name, *args):
    client.force_login(user)
    return client.get(reverse(url_name, args=args))


def test_a_building_leader_sees_only_their_building_groups(client, world, building_2_group):
    response = page(client, world.building_leader, "building_group_list", world.community.pk)
    assert response.status_code == 200
    assert [bg.pk for bg in response.context["building_groups"]] == [world.building_group.pk]
    assert "周阿婆" not in response.content.decode()
    assert (
        page(client, world.building_leader, "building_group_detail", building_2_group.pk).status_code == 404
    )
    staff = page(client, world.staff, "building_group_list", world.community.pk)
    assert {bg.pk for bg in staff.context["building_groups"]} == {
        world.building_group.pk,
        building_2_group.pk,
    }


@pytest.mark.parametrize(("role", "status"), [("group_leader", 403), ("volunteer", 403), ("outsider", 404)])
def test_other_roles_see_no_building_groups(client, world, role, status):
    assert page(client, getattr(world, role), "building_group_list", world.community.pk).status_code == status


def test_party_members_living_there_come_from_the_registry(client, world):
    Resident.objects.filter(pk=world.zhao.pk).update(party_joined=dt.date(1975, 7, 1))
    Resident.objects.filter(pk=world.li.pk).update(party_joined=dt.date(1980, 7, 1))  # building 2
    body = page(
        client, world.building_leader, "building_group_detail", world.building_group.pk
    ).content.decode()
    assert "赵阿姨" in body and "1975年7月1日入党" in body and "李大爷" not in body
    Resident.objects.filter(pk=world.zhao.pk).update(moved_out=dt.date(2025, 1, 1))
    body = page(client, world.staff, "building_group_detail", world.building_group.pk).content.decode()
    assert "1975年7月1日入党" not in body


def test_the_leader_names_the_group_and_chooses_the_trio_but_not_the_leaders(client, world):
    client.force_login(world.building_leader)
    url = reverse("building_group_update", args=[world.building_group.pk])
    form = client.get(url)
    assert "leader" not in form.context["form"].fields
    response = client.post(
        url, {"name": "和美楼", "trio_1": world.zhao.pk, "trio_2": world.qian.pk, "leader": world.zhao.pk}
    )
    assert response.status_code == 302
    group = BuildingGroup.objects.get(pk=world.building_group.pk)
    assert (group.name, group.leader) == ("和美楼", world.sun)
    assert list(group.trio.values_list("seat", "resident__name")) == [(1, "赵阿姨"), (2, "钱先生")]
    with pytest.raises(DomainError, match="只有居委干部可以更换楼组长和副楼组长"):
        services.building_group_update(
            actor=world.building_leader,
            building_group=group,
            data=services.BuildingGroupData(name="和美楼", leader_id=world.zhao.pk),
        )


def test_staff_change_leaders_and_the_trio_lives_in_the_building(client, world):
    client.force_login(world.staff)
    url = reverse("building_group_update", args=[world.building_group.pk])
    refused = client.post(url, {"leader": world.sun.pk, "deputy": world.sun.pk})
    assert "楼组长和副楼组长不能是同一人。" in refused.content.decode()
    outsider = services.BuildingGroupData(leader_id=world.sun.pk, trio_ids=[world.zhao.pk, world.li.pk])
    with pytest.raises(DomainError) as caught:
        services.building_group_update(actor=world.staff, building_group=world.building_group, data=outsider)
    assert caught.value.errors["trio"] == ["李大爷 不住在本楼组，加梯三人组须是本楼组的在住居民。"]
    too_many = services.BuildingGroupData(
        trio_ids=[world.zhao.pk, world.qian.pk, world.sun.pk, world.zhou.pk]
    )
    with pytest.raises(DomainError, match="请更正") as caught:
        services.building_group_update(actor=world.staff, building_group=world.building_group, data=too_many)
    assert caught.value.errors["trio"] == ["加梯三人组最多三人。"]
    assert not LiftTrioMember.objects.exists()


def test_a_child_cannot_sit_in_the_trio(world):
    child = ResidentFactory(
        household=world.own_household, name="赵小宝", birth_date=dt.date.today().replace(year=2016)
    )
    data = services.BuildingGroupData(leader_id=world.sun.pk, trio_ids=[child.pk])
    with pytest.raises(DomainError) as caught:
        services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)
    assert "加梯三人组成员须年满18周岁。" in caught.value.errors["trio"]


def test_trio_seats_swap_without_breaking_the_one_person_per_seat_rule(world):
    trio = [world.zhao.pk, world.qian.pk, world.sun.pk]
    data = services.BuildingGroupData(leader_id=world.sun.pk, trio_ids=trio)
    services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)
    data = services.BuildingGroupData(leader_id=world.sun.pk, trio_ids=list(reversed(trio)))
    services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)
    seats = list(world.building_group.trio.order_by("seat").values_list("resident_id", flat=True))
    assert seats == list(reversed(trio))


def test_one_building_group_per_building_or_per_entrance(world):
    second = EntranceFactory(building=world.building_1, number=2)
    with pytest.raises(DomainError, match="1号已有楼组"):
        services.building_group_create(
            actor=world.staff, community=world.community, building_id=world.building_1.pk
        )
    with pytest.raises(DomainError, match="已有整栋楼的楼组，不能再按单元组建"):
        services.building_group_create(
            actor=world.staff,
            community=world.community,
            building_id=world.building_1.pk,
            entrance_id=second.pk,
        )
    entrance_2 = world.flat_201.entrance
    first = services.building_group_create(
        actor=world.staff,
        community=world.community,
        building_id=world.building_2.pk,
        entrance_id=entrance_2.pk,
    )
    assert first.building_id == world.building_2.pk and str(first.place_label) == "2号1单元"
    with pytest.raises(DomainError, match="2号1单元已有楼组"):
        services.building_group_create(
            actor=world.staff,
            community=world.community,
            building_id=world.building_2.pk,
            entrance_id=entrance_2.pk,
        )
    # The database holds the same line, whatever writes to it.
    for extra in ({"building": world.building_1}, {"building": world.building_2, "entrance": entrance_2}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BuildingGroup.objects.create(community=world.community, **extra)
    with pytest.raises(IntegrityError), transaction.atomic():
        LiftTrioMember.objects.create(
            community=world.community, building_group=world.building_group, resident=world.zhao, seat=4
        )


def test_staff_create_a_building_group_from_the_page(client, world):
    entrance_2 = world.flat_201.entrance
    client.force_login(world.staff)
    url = reverse("building_group_create", args=[world.community.pk])
    form = client.get(url)
    labels = dict(form.context["form"].fields["place"].choices)
    assert labels == {
        "": "请选择",
        f"{world.building_2.pk}:": "2号",
        f"{world.building_2.pk}:{entrance_2.pk}": "2号1单元",
    }
    response = client.post(url, {"place": f"{world.building_2.pk}:", "name": "睦邻楼"})
    assert response.status_code == 302
    assert BuildingGroup.objects.get(building=world.building_2).name == "睦邻楼"
    assert page(client, world.building_leader, "building_group_create", world.community.pk).status_code == 403


def test_the_leader_may_live_elsewhere_in_the_community_but_not_outside_it(world):
    elsewhere = ResidentFactory(
        household=HouseholdFactory(flat=FlatFactory(entrance=world.flat_201.entrance, floor=3, number="301")),
        name="冯楼长",
    )
    data = services.BuildingGroupData(leader_id=elsewhere.pk)
    services.building_group_update(actor=world.staff, building_group=world.building_group, data=data)
    with pytest.raises(DomainError) as caught:
        services.building_group_update(
            actor=world.staff,
            building_group=world.building_group,
            data=services.BuildingGroupData(leader_id=world.wu.pk),
        )
    assert caught.value.errors["leader"] == ["找不到这位居民，或不是本居民区的居民。"]
