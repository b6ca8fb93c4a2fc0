"""The group pages: the 书记 sees all six groups with their guiding branch, leader and member count; a
group leader sees their own group only; the committee adds and ends memberships and changes leaders
through forms that answer bad input in Chinese and save nothing; branches are configured by staff."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.organizing.models import Group, GroupMember
from linli.registry.models import PartyBranch, Resident

SIX = ("初心组", "暖心组", "乐心组", "童心组", "安心组", "齐心组")


@pytest.fixture
def six(world):
    """宛六's six groups in the test community, each guided by its own branch; 暖心组 is the world's."""
    for n, name in enumerate(SIX, start=1):
        branch = PartyBranch.objects.create(
            community=world.community, name=f"第{'一二三四五六'[n - 1]}党支部"
        )
        if name == "暖心组":
            Group.objects.filter(pk=world.group.pk).update(branch=branch)
        else:
            Group.objects.create(community=world.community, name=name, branch=branch)
    return world


def page(client, user, url_name, *args, **data):
    client.force_login(user)
    return client.get(reverse(url_name, args=args), data)


def post(client, user, url_name, *args, **data):
    client.force_login(user)
    return client.post(reverse(url_name, args=args), data)


def test_the_secretary_sees_all_six_groups_with_their_branches(client, six):
    response = page(client, six.staff, "group_list", six.community.pk)
    body = response.content.decode()
    assert response.status_code == 200
    for name in SIX:
        assert name in body
    for branch in ("第一党支部", "第六党支部"):
        assert branch in body
    rows = {g.name: g for g in response.context["groups"]}
    assert rows["暖心组"].branch.name == "第二党支部" and rows["暖心组"].leader == six.li
    assert rows["暖心组"].member_count == 1 and rows["齐心组"].member_count == 0
    assert "李大爷" in body


def test_the_group_list_costs_the_same_queries_with_more_groups(client, six):
    client.force_login(six.staff)
    url = reverse("group_list", args=[six.community.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        group = Group.objects.create(community=six.community, name=f"新组{n}", leader=six.zhou)
        GroupMember.objects.create(
            community=six.community, group=group, resident=six.zhou, joined_on=dt.date(2024, 1, 1)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_group_leader_sees_only_their_group(client, six):
    body = page(client, six.group_leader, "group_list", six.community.pk).content.decode()
    assert "暖心组" in body and "初心组" not in body
    other = Group.objects.get(community=six.community, name="初心组")
    assert page(client, six.group_leader, "group_detail", other.pk).status_code == 404
    detail = page(client, six.group_leader, "group_detail", six.group.pk)
    assert detail.status_code == 200 and "李大爷" in detail.content.decode()
    # Seeing is not configuring: membership and leaders are the committee's.
    assert reverse("group_member_add", args=[six.group.pk]) not in detail.content.decode()
    assert page(client, six.group_leader, "group_member_add", six.group.pk).status_code == 403
    assert page(client, six.group_leader, "group_update", six.group.pk).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"), [("building_leader", 403), ("volunteer", 403), ("resident", 403), ("outsider", 404)]
)
def test_other_roles_see_no_groups(client, six, role, status):
    assert page(client, getattr(six, role), "group_list", six.community.pk).status_code == status


def test_staff_add_a_member_found_by_pinyin(client, world):
    found = page(client, world.staff, "group_member_add", world.group.pk, q="zhou")
    assert "周阿婆" in found.content.decode()
    response = post(
        client,
        world.staff,
        "group_member_add",
        world.group.pk,
        q="zhou",
        resident=world.zhou.pk,
        joined_on="2025-04-01",
    )
    assert response.status_code == 302
    assert GroupMember.objects.filter(group=world.group, resident=world.zhou, left_on__isnull=True).exists()


def test_an_overlapping_member_is_refused_on_the_form_in_chinese(client, world):
    response = post(
        client,
        world.staff,
        "group_member_add",
        world.group.pk,
        q="li",
        resident=world.li.pk,
        joined_on="2025-04-01",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "李大爷 在2024年01月01日起至今已是“暖心组”的成员，同一人的成员时间不能重叠。" in body
    assert GroupMember.objects.filter(group=world.group, resident=world.li).count() == 1


def test_a_leaving_date_before_joining_is_refused_on_the_form(client, world):
    response = post(
        client,
        world.staff,
        "group_member_add",
        world.group.pk,
        q="zhou",
        resident=world.zhou.pk,
        joined_on="2025-04-01",
        left_on="2025-03-01",
    )
    assert "离开日期不能早于加入日期。" in response.content.decode()
    assert not GroupMember.objects.filter(resident=world.zhou).exists()


def test_a_resident_not_among_the_results_cannot_be_posted(client, world):
    response = post(
        client,
        world.staff,
        "group_member_add",
        world.group.pk,
        q="zhou",
        resident=world.wu.pk,
        joined_on="2025-04-01",
    )
    assert "请从查找结果中选择一位居民。" in response.content.decode()
    assert not GroupMember.objects.filter(resident=world.wu).exists()


def test_staff_change_the_leader_among_members_only(client, world):
    url_args = (world.group.pk,)
    refused = post(
        client, world.staff, "group_update", *url_args, name="暖心组", leader=world.zhou.pk, is_active="on"
    )
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
    GroupMember.objects.create(
        community=world.community, group=world.group, resident=world.zhou, joined_on=dt.date(2025, 1, 1)
    )
    same = post(
        client,
        world.staff,
        "group_update",
        *url_args,
        name="暖心组",
        leader=world.zhou.pk,
        deputy=world.zhou.pk,
        is_active="on",
    )
    assert "组长和副组长不能是同一人。" in same.content.decode()
    done = post(
        client,
        world.staff,
        "group_update",
        *url_args,
        name="暖心组",
        leader=world.zhou.pk,
        deputy=world.li.pk,
        is_active="on",
    )
    assert done.status_code == 302
    group = Group.objects.get(pk=world.group.pk)
    assert (group.leader, group.deputy) == (world.zhou, world.li)
    assert [h.leader_id for h in group.history.order_by("history_date")][-1] == world.zhou.pk


def test_ending_the_leaders_membership_asks_for_a_new_leader_first(client, world):
    member = world.li.group_memberships.get()
    response = post(client, world.staff, "group_member_end", member.pk, left_on="2025-05-01")
    assert "李大爷 是本团队的组长，请先更换组长，再结束其成员身份。" in response.content.decode()
    assert GroupMember.objects.get(pk=member.pk).left_on is None


def test_ending_a_membership_keeps_it_as_a_past_period(client, world):
    member = GroupMember.objects.create(
        community=world.community, group=world.group, resident=world.zhou, joined_on=dt.date(2024, 5, 1)
    )
    assert post(client, world.staff, "group_member_end", member.pk, left_on="2025-05-01").status_code == 302
    body = page(client, world.staff, "group_detail", world.group.pk).content.decode()
    assert "以前的成员时间" in body and "周阿婆" in body
    # The group leader sees current members only: 周阿婆 has left, so not her either.
    assert "周阿婆" not in page(client, world.group_leader, "group_detail", world.group.pk).content.decode()


def test_staff_create_a_group_and_a_duplicate_name_is_refused(client, world):
    response = post(
        client,
        world.staff,
        "group_create",
        world.community.pk,
        name="乐心组",
        purpose="文化艺术",
        is_active="on",
    )
    assert response.status_code == 302
    again = post(client, world.staff, "group_create", world.community.pk, name="乐心组", is_active="on")
    assert "本居民区已有名为“乐心组”的团队。" in again.content.decode()
    assert Group.objects.filter(community=world.community, name="乐心组").count() == 1


def test_staff_configure_branches_and_their_secretary(client, world):
    Resident.objects.filter(pk=world.zhou.pk).update(party_joined=dt.date(1985, 7, 1))
    response = post(
        client, world.staff, "branch_create", world.community.pk, name="第一党支部", secretary=world.zhou.pk
    )
    assert response.status_code == 302
    branch = PartyBranch.objects.get(community=world.community, name="第一党支部")
    assert branch.secretary == world.zhou
    listing = page(client, world.staff, "branch_list", world.community.pk).content.decode()
    assert "第一党支部" in listing and "周阿婆" in listing
    duplicate = post(client, world.staff, "branch_create", world.community.pk, name="第一党支部")
    assert "本居民区已有名为“第一党支部”的党支部。" in duplicate.content.decode()
    renamed = post(client, world.staff, "branch_edit", branch.pk, name="第一支部", secretary="")
    assert renamed.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.secretary) == ("第一支部", None)


def test_only_staff_configure_branches(client, world):
    assert page(client, world.building_leader, "branch_list", world.community.pk).status_code == 403
    assert page(client, world.group_leader, "branch_create", world.community.pk).status_code == 403
    assert page(client, world.outsider, "branch_list", world.community.pk).status_code == 404
