"""Who is in a consultation's electorate, fixed when it opens: adult current residents of the place; the
owners of its flats weighted exactly by area × share; current members of a group. A tenant is no owner."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation import services_votes as services
from linli.deliberation.models import BallotMethod, Electorate, Voter, Weighting
from linli.organizing.models import GroupMember
from linli.registry.models import Resident
from tests.factories import HouseholdFactory, ResidentFactory
from tests.test_votes_support import answers_for, link_user, opened, own, set_area

pytestmark = pytest.mark.django_db


def _names(consultation) -> set[str]:
    return {v.name for v in consultation.voters.select_related("resident", "owner")}


def test_residents_of_a_building_adults_and_current_only(world):
    today = timezone.localdate()
    child = ResidentFactory(
        household=world.own_household, name="赵小宝", birth_date=today.replace(year=today.year - 10)
    )
    just_18 = ResidentFactory(
        household=world.own_household, name="赵成年", birth_date=today.replace(year=today.year - 18)
    )
    gone = ResidentFactory(
        household=world.own_household, name="赵已迁", moved_out=today - dt.timedelta(days=3)
    )
    c = opened(world, buildings=[world.building_1])
    names = _names(c)
    assert {"赵阿姨", "钱先生", "孙奶奶", just_18.name} == names
    assert child.name not in names and gone.name not in names
    assert all(v.weight == 1 for v in c.voters.all())


def test_whole_community_when_no_building_is_named(world):
    c = opened(world)
    assert _names(c) == {"赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆"}


def test_electorate_is_fixed_at_opening(world):
    c = opened(world, buildings=[world.building_1])
    newcomer = ResidentFactory(household=HouseholdFactory(flat=world.flat_102), name="新住户")
    Resident.objects.filter(pk=world.qian.pk).update(moved_out=timezone.localdate())
    assert newcomer.name not in _names(c)
    assert "钱先生" in _names(c)


def test_group_members_vote(world):
    other = ResidentFactory(household=HouseholdFactory(flat=world.flat_202), name="前成员")
    GroupMember.objects.create(
        community=world.community,
        group=world.group,
        resident=other,
        joined_on=dt.date(2023, 1, 1),
        left_on=dt.date(2024, 6, 1),
    )
    c = opened(world, electorate=Electorate.GROUP_MEMBERS, group=world.group)
    assert _names(c) == {"李大爷"}


def test_owners_weighted_by_area_times_share_exactly(world):
    set_area(world.flat_101, "56.33")
    set_area(world.flat_102, "71.07")
    own(world.flat_101, "王业主", share=(1, 3))
    own(world.flat_101, "陈业主", share=(2, 3))
    own(world.flat_102, "王业主")  # the same owner holds a second flat: one voter, both weights
    c = opened(
        world,
        electorate=Electorate.OWNERS,
        buildings=[world.building_1],
        weighting=Weighting.AREA,
        threshold="owners_major_matter",
    )
    weights = {v.name: v.weight for v in c.voters.select_related("owner")}
    assert weights == {
        "王业主": Fraction(5633, 100) / 3 + Fraction(7107, 100),
        "陈业主": Fraction(5633, 100) * 2 / 3,
    }
    assert sum(weights.values()) == Fraction(5633 + 7107, 100)  # no cent lost to rounding


def test_tenant_is_not_an_owner_and_cannot_vote_in_an_owners_vote(world):
    own(world.flat_101, "房东孙先生")
    tenant = link_user(world.zhao, world.resident)  # lives there, owns nothing
    c = opened(world, electorate=Electorate.OWNERS, buildings=[world.building_1])
    assert _names(c) == {"房东孙先生"}
    assert not Voter.objects.filter(consultation=c, resident=tenant).exists()
    # Even a forged voter of another consultation is refused, and nothing is saved.
    other = opened(world, buildings=[world.building_1], title="另一征询")
    stray = other.voters.get(resident=tenant)
    with pytest.raises(DomainError, match="不在本次表决的投票人名单中"):
        services.ballot_cast(
            actor=world.resident,
            consultation=c,
            voter=stray,
            answers=answers_for(c),
            method=BallotMethod.ONLINE,
        )
    assert not c.ballots.exists()


def test_owner_linked_to_a_resident_votes_online(world):
    landlord = own(world.flat_102, "孙奶奶", resident=world.sun)
    c = opened(world, electorate=Electorate.OWNERS, buildings=[world.building_1])
    from linli.deliberation import selectors_votes as selectors

    voter = selectors.voter_for_user(world.building_leader, c)  # 孙奶奶's sign-in
    assert voter is not None and voter.owner_id == landlord.pk
    ballot = services.ballot_cast(
        actor=world.building_leader, consultation=c, voter=voter, answers=answers_for(c), method="online"
    )
    assert ballot.recorded_by == world.building_leader


def test_opening_refused_without_voters_and_twice(world):
    c = services.consultation_create(
        actor=world.staff,
        community=world.community,
        title="空的业主表决",
        opens_at=timezone.now(),
        closes_at=timezone.now() + dt.timedelta(days=1),
        questions=[services.QuestionSpec(text="加装电梯？")],
        electorate=Electorate.OWNERS,
    )
    with pytest.raises(DomainError, match="没有符合条件的投票人"):
        services.consultation_open(actor=world.staff, consultation=c)
    c2 = opened(world)
    with pytest.raises(DomainError, match="只有草稿"):
        services.consultation_open(actor=world.staff, consultation=c2)


def test_only_staff_create_and_open(world):
    for actor in (
        world.building_leader,
        world.volunteer,
        world.resident,
        world.outsider,
        world.street_officer,
    ):
        with pytest.raises(DomainError, match="居委工作人员"):
            services.consultation_create(
                actor=actor,
                community=world.community,
                title="x",
                opens_at=timezone.now(),
                closes_at=timezone.now() + dt.timedelta(days=1),
                questions=[services.QuestionSpec(text="q")],
            )


def test_bad_input_is_refused_in_chinese(world):
    with pytest.raises(DomainError) as err:
        services.consultation_create(
            actor=world.staff,
            community=world.community,
            title=" ",
            opens_at=timezone.now(),
            closes_at=timezone.now() - dt.timedelta(days=1),
            questions=[services.QuestionSpec(text="选哪天", kind="single", choices=("周六",))],
            weighting=Weighting.AREA,
        )
    assert set(err.value.errors) >= {"title", "closes_at", "questions", "weighting"}
