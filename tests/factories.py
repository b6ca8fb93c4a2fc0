"""factory_boy factories for synthetic people and places. Nothing here is real personal data."""

import datetime as dt
from decimal import Decimal

import factory
from stdnum.cn import ric

from linli.core.crypto import keyed_hash
from linli.core.models import DERIVED_ROLES, Community, Membership, Role, Street, User
from linli.organizing.models import BuildingGroup, Group, GroupMember
from linli.registry.models import Building, Entrance, Estate, Flat, Household, Resident
from linli.registry.pinyin import name_keys


def make_id_number(birth: dt.date, gender: str, area: str = "310104", seq: int = 12) -> str:
    """A well-formed but fictitious ID number: sequence parity gives the sex, stdnum the check digit."""
    seq = seq * 2 + (1 if gender == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    name = factory.Sequence(lambda n: f"测试街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试居民区{n}")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    community = factory.SelfAttribute("estate.community")
    number = factory.Sequence(lambda n: str(n + 1))
    sort_key = factory.Sequence(lambda n: n + 1)
    floors = 6


class EntranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrance

    building = factory.SubFactory(BuildingFactory)
    community = factory.SelfAttribute("building.community")
    number = 1


class FlatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Flat

    entrance = factory.SubFactory(EntranceFactory)
    building = factory.SelfAttribute("entrance.building")
    community = factory.SelfAttribute("entrance.community")
    floor = 1
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.floor}{n % 100:02d}")
    area = Decimal("56.30")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    flat = factory.SubFactory(FlatFactory)
    community = factory.SelfAttribute("flat.community")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    community = factory.SelfAttribute("household.community")
    name = factory.Sequence(lambda n: f"测试{n}")
    gender = "F"
    birth_date = dt.date(1950, 5, 17)
    name_pinyin = factory.LazyAttribute(lambda o: name_keys(o.name)[0])
    name_initials = factory.LazyAttribute(lambda o: name_keys(o.name)[1])
    id_number = ""
    id_number_hash = factory.LazyAttribute(lambda o: keyed_hash(o.id_number))
    phone = ""
    phone_hash = factory.LazyAttribute(lambda o: keyed_hash(o.phone))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("linli-test-pass")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"测试组{n}")


def grant(user: User, role: str, **place) -> Membership | None:
    """Give `user` a role. Staff, volunteers, residents and street officers get a Membership; building
    leaders and group leaders lead records instead (their role is derived, see linli.core.scope):
    `buildings=[…]` makes the user lead each building's group, `group=…` the group (see below)."""
    if role in DERIVED_ROLES:
        community = place.get("community")
        if role == Role.BUILDING_LEADER:
            for building in place.get("buildings") or []:
                lead_building(user, building, community=community)
        else:
            lead_group(user, place["group"])
        return None
    return Membership.objects.create(user=user, role=role, **place)


def resident_of(user: User, community: Community, *, building: Building | None = None) -> Resident:
    """The user's current resident record; a new synthetic person in `community` (in `building` when
    given) when they have none. The new person lives in a flat of their own, so nobody else's scope grows."""
    existing = Resident.objects.filter(user=user, moved_out__isnull=True).first()
    if existing is not None:
        return existing
    if building is None:
        building = BuildingFactory(estate=EstateFactory(community=community))
    entrance = building.entrances.first() or EntranceFactory(building=building)
    flat = FlatFactory(entrance=entrance, floor=building.floors, number=f"9{user.pk:03d}")
    return ResidentFactory(household=HouseholdFactory(flat=flat), name=f"{user.username}本人", user=user)


def lead_building(
    user: User, building: Building, *, community: Community | None = None, post: str = "leader"
) -> BuildingGroup:
    """Make `user` (through their resident record) the leader — or `post="deputy"` — of the building's
    group, creating the building group when it has none. Their scope then covers the building."""
    person = resident_of(user, community or building.community)
    group, _ = BuildingGroup.objects.get_or_create(
        building=building, entrance=None, defaults={"community": building.community}
    )
    setattr(group, post, person)
    group.save()
    return group


def lead_group(user: User, group: Group, *, post: str = "leader", joined_on=dt.date(2024, 1, 1)) -> Group:
    """Make `user` (through their resident record, who becomes a member) the group's leader or deputy."""
    person = resident_of(user, group.community)
    GroupMember.objects.get_or_create(
        group=group,
        resident=person,
        left_on=None,
        defaults={"community": group.community, "joined_on": joined_on},
    )
    setattr(group, post, person)
    group.save()
    return group
