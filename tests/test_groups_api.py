"""Groups, members and building groups over the API: through the scope (404 outside it, 403 for a role
that may see but not act), bad input a 422 in Chinese that saves nothing."""

import datetime as dt

import pytest

from linli.organizing.models import BuildingGroup, Group, GroupMember


def call(client, user, method, path, body=None):
    client.force_login(user)
    url = f"/api/v1{path}"
    if method == "get":
        return client.get(url)
    return getattr(client, method)(
        url, data=body if body is not None else {}, content_type="application/json"
    )


def test_staff_list_every_group_a_group_leader_their_own(world, client):
    Group.objects.create(community=world.community, name="初心组")
    staff = call(client, world.staff, "get", f"/communities/{world.community.pk}/groups").json()
    assert sorted(g["name"] for g in staff) == ["初心组", "暖心组"]
    leader = call(client, world.group_leader, "get", f"/communities/{world.community.pk}/groups").json()
    assert [(g["name"], g["leader"]["name"], g["member_count"]) for g in leader] == [("暖心组", "李大爷", 1)]


@pytest.mark.parametrize(
    ("role", "status"), [("building_leader", 403), ("outsider", 404), ("street_officer", 404)]
)
def test_other_roles_get_no_group_list(world, client, role, status):
    response = call(client, getattr(world, role), "get", f"/communities/{world.community.pk}/groups")
    assert response.status_code == status


def test_members_for_staff_include_past_periods_the_leaders_do_not(world, client):
    GroupMember.objects.create(
        community=world.community,
        group=world.group,
        resident=world.zhou,
        joined_on=dt.date(2022, 1, 1),
        left_on=dt.date(2023, 1, 1),
    )
    path = f"/groups/{world.group.pk}/members"
    staff = call(client, world.staff, "get", path).json()
    assert {(m["resident"]["name"], m["is_current"]) for m in staff} == {("李大爷", True), ("周阿婆", False)}
    leader = call(client, world.group_leader, "get", path)
    assert [m["resident"]["name"] for m in leader.json()] == [
        "李大爷"
    ] and "周阿婆" not in leader.content.decode()
    assert call(client, world.building_leader, "get", path).status_code == 404


def test_staff_add_a_member_and_an_overlap_is_a_422_in_chinese(world, client):
    path = f"/groups/{world.group.pk}/members"
    created = call(
        client, world.staff, "post", path, {"resident_id": world.zhou.pk, "joined_on": "2025-03-01"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["resident"]["name"] == "周阿婆" and created.json()["left_on"] is None
    again = call(client, world.staff, "post", path, {"resident_id": world.zhou.pk, "joined_on": "2025-04-01"})
    assert again.status_code == 422
    assert "同一人的成员时间不能重叠" in again.json()["errors"]["joined_on"][0]
    bad = call(client, world.staff, "post", path, {"resident_id": world.wu.pk, "joined_on": "2025-13-01"})
    assert bad.status_code == 422 and bad.json()["errors"] == {"joined_on": ["日期格式应为 YYYY-MM-DD。"]}
    outside = call(client, world.staff, "post", path, {"resident_id": world.wu.pk, "joined_on": "2025-03-01"})
    assert outside.status_code == 422
    assert outside.json()["errors"] == {"resident_id": ["请选择本居民区的一位居民。"]}
    assert GroupMember.objects.filter(group=world.group).count() == 2


@pytest.mark.parametrize(
    ("role", "status"), [("group_leader", 403), ("building_leader", 404), ("outsider", 404)]
)
def test_only_staff_change_members(world, client, role, status):
    path = f"/groups/{world.group.pk}/members"
    response = call(
        client, getattr(world, role), "post", path, {"resident_id": world.zhou.pk, "joined_on": "2025-03-01"}
    )
    assert response.status_code == status
    assert not GroupMember.objects.filter(resident=world.zhou).exists()


def test_ending_a_membership(world, client):
    member = GroupMember.objects.create(
        community=world.community, group=world.group, resident=world.zhou, joined_on=dt.date(2024, 5, 1)
    )
    early = call(client, world.staff, "post", f"/group-members/{member.pk}/end", {"date": "2024-04-01"})
    assert early.status_code == 422 and early.json()["errors"] == {
        "date": ["离开日期不能早于加入日期（2024年05月01日）。"]
    }
    done = call(client, world.staff, "post", f"/group-members/{member.pk}/end", {"date": "2025-04-01"})
    assert done.status_code == 200 and done.json()["left_on"] == "2025-04-01"
    leader = world.li.group_memberships.get()
    refused = call(client, world.staff, "post", f"/group-members/{leader.pk}/end", {"date": "2025-04-01"})
    assert refused.status_code == 422 and "请先更换组长" in refused.json()["detail"]


def test_building_groups_follow_the_buildings_a_leader_leads(world, client):
    BuildingGroup.objects.create(
        community=world.community, building=world.building_2, leader=world.zhou, name="睦邻楼"
    )
    path = f"/communities/{world.community.pk}/building-groups"
    staff = call(client, world.staff, "get", path).json()
    assert [(bg["place"], bg["name"]) for bg in staff] == [("1号", ""), ("2号", "睦邻楼")]
    leader = call(client, world.building_leader, "get", path)
    assert [bg["leader"]["name"] for bg in leader.json()] == [
        "孙奶奶"
    ] and "周阿婆" not in leader.content.decode()
    detail = call(client, world.building_leader, "get", f"/building-groups/{world.building_group.pk}")
    assert detail.status_code == 200 and detail.json()["trio"] == [] and detail.json()["party_members"] == []
    other = BuildingGroup.objects.get(building=world.building_2)
    assert call(client, world.building_leader, "get", f"/building-groups/{other.pk}").status_code == 404
    assert call(client, world.group_leader, "get", path).status_code == 403


def test_me_names_the_leaders_places(world, client):
    [role] = call(client, world.group_leader, "get", "/me").json()["roles"]
    assert (role["role"], role["group"]["name"], role["community"]["name"]) == (
        "group_leader",
        "暖心组",
        "测试一村",
    )
