"""Signatures per household: adopted conventions only, one per household (database and service), online
only for one's own household, the coverage per building in a constant number of queries."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from linli.core.errors import DomainError
from linli.deliberation.models import ConventionSignature
from linli.deliberation.selectors_conventions import conventions_to_sign_for_user, signature_coverage
from linli.deliberation.services_conventions import (
    convention_adopt,
    convention_create,
    convention_sign,
    suggestion_file,
    version_add,
)
from tests.factories import HouseholdFactory


@pytest.fixture
def adopted(world):
    convention = convention_create(
        actor=world.staff,
        community=world.community,
        title="1号楼楼组公约",
        text="一、爱护公物。二、邻里和睦。",
        buildings=[world.building_1],
    )
    version = version_add(
        actor=world.staff, convention=convention, text="一、爱护公物。二、邻里和睦。三、垃圾分类。"
    )
    assert version.number == 2
    return convention_adopt(
        actor=world.staff,
        convention=convention,
        version=version,
        adopted_on=dt.date(2026, 1, 5),
        resolution="2026年1月楼组会议决议",
    )


def test_drafts_cannot_be_signed(world):
    convention = convention_create(
        actor=world.staff,
        community=world.community,
        title="草稿",
        text="一、爱护公物。",
        buildings=[world.building_1],
    )
    with pytest.raises(DomainError, match="尚未通过"):
        convention_sign(
            actor=world.resident, convention=convention, household=world.own_household, method="online"
        )


def test_resident_signs_once_for_the_household(world, adopted):
    assert [c.pk for c in conventions_to_sign_for_user(world.resident)] == [adopted.pk]
    signature = convention_sign(
        actor=world.resident, convention=adopted, household=world.own_household, method="online"
    )
    assert signature.version_id == adopted.adopted_version_id
    assert conventions_to_sign_for_user(world.resident) == []
    with pytest.raises(DomainError, match="已经签署"):
        convention_sign(
            actor=world.resident, convention=adopted, household=world.own_household, method="online"
        )
    # Staff recording a paper sheet for the same household is refused too.
    with pytest.raises(DomainError, match="已经签署"):
        convention_sign(actor=world.staff, convention=adopted, household=world.own_household, method="staff")
    assert ConventionSignature.objects.filter(convention=adopted).count() == 1


def test_database_refuses_a_second_signature(world, adopted):
    convention_sign(actor=world.staff, convention=adopted, household=world.own_household, method="staff")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConventionSignature.objects.create(
            community=world.community,
            convention=adopted,
            version=adopted.adopted_version,
            household=world.own_household,
            method="staff",
        )


def test_resident_cannot_sign_for_another_household(world, adopted):
    with pytest.raises(DomainError, match="自己家"):
        convention_sign(
            actor=world.resident, convention=adopted, household=world.sun.household, method="online"
        )


def test_household_outside_the_buildings_cannot_sign(world, adopted):
    with pytest.raises(DomainError, match="不适用"):
        convention_sign(actor=world.staff, convention=adopted, household=world.li.household, method="staff")


def test_building_leader_records_for_own_building_only(world, adopted):
    convention_sign(
        actor=world.building_leader, convention=adopted, household=world.sun.household, method="staff"
    )
    with pytest.raises(DomainError, match="角色"):
        convention_sign(
            actor=world.volunteer, convention=adopted, household=world.own_household, method="staff"
        )
    with pytest.raises(DomainError, match="角色"):
        convention_sign(
            actor=world.outsider, convention=adopted, household=world.own_household, method="staff"
        )


def test_coverage_per_building(world, adopted, django_assert_num_queries):
    convention_sign(actor=world.staff, convention=adopted, household=world.sun.household, method="staff")
    coverage = signature_coverage(world.staff, adopted)
    assert [c.building.pk for c in coverage] == [world.building_1.pk]
    assert (coverage[0].total, coverage[0].signed, coverage[0].percent) == (2, 1, 50)
    assert [h.pk for h in coverage[0].unsigned] == [world.own_household.pk]


def test_coverage_query_count_is_constant(world, adopted, django_assert_max_num_queries):
    for number in range(10):
        from tests.factories import FlatFactory

        HouseholdFactory(flat=FlatFactory(entrance=world.entrance_1, floor=3, number=f"3{number:02d}"))
    fresh = type(adopted).objects.get(pk=adopted.pk)
    world.staff._linli_scope = None
    from linli.core.scope import scope_for

    scope_for(world.staff)
    with django_assert_max_num_queries(2):
        coverage = signature_coverage(world.staff, fresh)
    assert coverage[0].total == 12


def test_suggestions_close_when_adopted(world, adopted):
    with pytest.raises(DomainError, match="不再征集"):
        suggestion_file(actor=world.resident, convention=adopted, text="建议增加养犬规定。")
    comment = suggestion_file(actor=world.resident, convention=adopted, text="写得好。", kind="comment")
    assert comment.household_id == world.own_household.pk


def test_suggestion_on_a_draft_from_a_covered_resident_only(world):
    convention = convention_create(
        actor=world.staff,
        community=world.community,
        title="2号楼公约",
        text="一、爱护公物。",
        buildings=[world.building_2],
    )
    with pytest.raises(DomainError, match="角色"):
        suggestion_file(actor=world.resident, convention=convention, text="建议。")
    with pytest.raises(DomainError, match="请填写"):
        suggestion_file(actor=world.staff, convention=convention, text="   ")
