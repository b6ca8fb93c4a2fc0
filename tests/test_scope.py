import pytest

from linli.core.scope import scope_for
from linli.registry.models import Building, Household, Resident
from tests.conftest import VISIBLE


@pytest.mark.parametrize("actor", sorted(VISIBLE))
def test_each_role_sees_exactly_its_residents(world, actor):
    user = getattr(world, actor)
    names = set(scope_for(user).filter(Resident.objects.all()).values_list("name", flat=True))
    assert names == VISIBLE[actor]


def test_building_leader_sees_only_listed_buildings(world):
    buildings = scope_for(world.building_leader).filter(Building.objects.all())
    assert list(buildings) == [world.building_1]


def test_resident_sees_only_own_household(world):
    households = scope_for(world.resident).filter(Household.objects.all())
    assert list(households) == [world.own_household]


def test_street_officer_gets_aggregates_not_rows(world):
    scope = scope_for(world.street_officer)
    assert scope.aggregate_communities == {world.community.pk, world.neighbour.pk}
    assert not scope.filter(Resident.objects.all()).exists()
    assert not scope.filter(Building.objects.all()).exists()


def test_several_roles_add_up(world):
    """The resident actor (赵阿姨's household) also leads building 2's building group, as 赵阿姨."""
    from linli.organizing.models import BuildingGroup
    from linli.registry.models import Resident

    Resident.objects.filter(pk=world.zhao.pk).update(user=world.resident)
    BuildingGroup.objects.create(community=world.community, building=world.building_2, leader=world.zhao)
    names = set(scope_for(world.resident).filter(Resident.objects.all()).values_list("name", flat=True))
    assert names == {"赵阿姨", "钱先生", "李大爷", "周阿婆"}


def test_building_of_another_community_grants_nothing(world):
    """A building group that names a resident of another community as its leader grants that person
    nothing: leaders lead in their own community only."""
    from linli.organizing.models import BuildingGroup
    from linli.registry.models import Resident

    other_building = world.wu.household.flat.building
    Resident.objects.filter(pk=world.zhou.pk).update(user=world.volunteer)
    BuildingGroup.objects.create(community=world.neighbour, building=other_building, leader=world.zhou)
    assert not scope_for(world.volunteer).filter(Resident.objects.all()).exists()


def test_group_leader_loses_members_who_left(world):
    import datetime as dt

    world.li.group_memberships.update(left_on=dt.date(2025, 1, 1))
    assert not scope_for(world.group_leader).filter(Resident.objects.all()).exists()


def test_model_without_scope_paths_refuses_to_be_scoped(world):
    from django.core.exceptions import ImproperlyConfigured

    from linli.registry.models import Tag

    with pytest.raises(ImproperlyConfigured):
        scope_for(world.staff).filter(Tag.objects.all())
