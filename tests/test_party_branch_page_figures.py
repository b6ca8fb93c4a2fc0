"""A branch's page: its secretary, members with party age, the group it guides, in-service members
reporting to it, and its figures — right, and read in a number of queries that does not grow with the
branch."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.organizing import selectors_party, services_party
from linli.organizing.models import Group, IdentityPost, InServiceMember
from linli.organizing.party import standing_years as party_age
from linli.registry.models import PartyBranch
from tests.factories import HouseholdFactory, ResidentFactory
from tests.test_party_world import TODAY, party_setup


@pytest.fixture
def party(world):
    return party_setup(world)


def page(client, world, branch):
    client.force_login(world.staff)
    return client.get(reverse("branch_detail", args=[world.community.pk, branch.pk]))


def add_member(world, branch, n: int, *, full: dt.date | None, post: str = ""):
    person = ResidentFactory(
        household=HouseholdFactory(flat=world.flat_202),
        name=f"党员{n}号",
        birth_date=dt.date(1940, 1, 1),
        party_joined=dt.date(1960, 1, 1) if full else TODAY - dt.timedelta(days=30),
        party_full_member=full,
        party_branch=branch,
    )
    if post:
        IdentityPost.objects.create(community=world.community, resident=person, post=post, started_on=TODAY)
    return person


def test_figures_of_a_branch(client, world, party):
    Group.objects.filter(pk=world.group.pk).update(branch=party.first)
    services_party.in_service_create(
        actor=world.staff,
        community=world.community,
        data=services_party.InServiceData(
            name="陈在职",
            work_unit="某某设计院",
            registered_on=TODAY - dt.timedelta(days=40),
            phone="13900002222",
            branch_id=party.first.pk,
            services="周末楼道巡查",
            identity_post="垃圾分类督导岗",
        ),
    )
    IdentityPost.objects.create(
        community=world.community, resident=world.zhao, post="助老岗", started_on=TODAY
    )
    branch = selectors_party.access_branch(world.staff, world.community.pk, party.first.pk)
    figures = selectors_party.branch_page(world.staff, branch).figures
    # 赵阿姨 (full member 50 years, this year's candidate) and 孙奶奶 (probationary).
    assert figures.members == 2
    assert figures.full_members == 1 and figures.probationary == 1
    assert figures.average_standing == float(party_age(world.zhao.party_full_member, TODAY))  # 49 or 50
    assert figures.medal_candidates == 1
    assert figures.in_service == 1
    assert figures.showing_identity == 2  # 赵阿姨 and the in-service member

    body = page(client, world, party.first).content.decode()
    assert "赵阿姨" in body and "孙奶奶" in body and "李大爷" not in body
    assert "暖心组" in body  # the group it guides
    assert "陈在职" in body and "某某设计院" in body and "亮身份 · 垃圾分类督导岗" in body
    assert "13900002222" not in body


def test_average_party_age_leaves_probationary_members_out(world, party):
    branch = PartyBranch.objects.create(community=world.community, name="第三党支部")
    add_member(world, branch, 1, full=dt.date(TODAY.year - 10, 1, 1))
    add_member(world, branch, 2, full=dt.date(TODAY.year - 21, 1, 1))
    add_member(world, branch, 3, full=None)
    figures = selectors_party.branch_page(world.staff, branch, today=dt.date(TODAY.year, 6, 1)).figures
    assert figures.members == 3 and figures.probationary == 1
    assert figures.average_standing == 15.5


def test_secretary_is_shown(client, world, party):
    if not hasattr(PartyBranch, "secretary"):
        pytest.skip("branch secretaries come with the groups area")
    PartyBranch.objects.filter(pk=party.first.pk).update(secretary=world.zhao)
    body = page(client, world, party.first).content.decode()
    assert "支部书记" in body and reverse("resident_detail", args=[world.zhao.pk]) in body


def test_a_moved_out_member_or_one_who_left_is_not_counted(world, party):
    InServiceMember.objects.create(
        community=world.community,
        name="离开的人",
        work_unit="单位",
        branch=party.second,
        registered_on=dt.date(2020, 1, 1),
        left_on=dt.date(2023, 1, 1),
    )
    world.li.__class__.objects.filter(pk=world.li.pk).update(moved_out=TODAY, move_out_reason="moved")
    figures = selectors_party.branch_page(world.staff, party.second).figures
    assert figures.members == 0 and figures.in_service == 0 and figures.average_standing is None


def test_query_count_does_not_grow_with_the_branch(client, world, party):
    page(client, world, party.first)  # warm up (sessions, content types)
    with CaptureQueriesContext(connection) as small:
        assert page(client, world, party.first).status_code == 200
    for n in range(12):
        add_member(world, party.first, n, full=dt.date(1970 + n, 5, 1), post="巡查岗" if n % 2 else "")
        InServiceMember.objects.create(
            community=world.community,
            name=f"在职{n}",
            work_unit="单位",
            branch=party.first,
            group=world.group,
            registered_on=dt.date(2022, 1, 1),
        )
    Group.objects.filter(pk=world.group.pk).update(branch=party.first)
    with CaptureQueriesContext(connection) as large:
        response = page(client, world, party.first)
    assert response.status_code == 200
    assert "党员11号" in response.content.decode()
    assert len(large) == len(small), [q["sql"] for q in large]
