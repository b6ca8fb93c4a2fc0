"""The party pages for each role: staff see the whole community, a building leader the party members of
their buildings (no branch pages, no in-service register), every other role nothing; party age,
filters, the medal candidates (and their printable sheet) and identity posts (亮身份)."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.organizing.models import IdentityPost
from tests.conftest import ALL_NAMES
from tests.test_party_world import TODAY, YEAR, party_setup


@pytest.fixture
def party(world):
    return party_setup(world)


def get(client, user, name, **kwargs):
    client.force_login(user)
    params = kwargs.pop("params", None)
    return client.get(reverse(name, kwargs=kwargs), params)


def names(response) -> set[str]:
    body = response.content.decode()
    return {n for n in ALL_NAMES if n in body}


# ── who sees the party member list ──────────────────────────────────────────────────────────────────


def test_staff_see_every_party_member_of_the_community_with_party_age(client, world, party):
    response = get(client, world.staff, "party_member_list", community_id=world.community.pk)
    assert response.status_code == 200
    assert names(response) == {"赵阿姨", "孙奶奶", "李大爷"}
    body = response.content.decode()
    assert "共找到 3 位党员" in body
    assert "预备党员" in body  # 孙奶奶 has no party age yet
    assert f"{YEAR}年纪念章人选" in body  # 赵阿姨
    assert reverse("branch_detail", args=[world.community.pk, party.first.pk]) in body


def test_building_leader_sees_only_the_members_of_their_buildings(client, world, party):
    response = get(client, world.building_leader, "party_member_list", community_id=world.community.pk)
    assert response.status_code == 200
    assert names(response) == {"赵阿姨", "孙奶奶"}
    body = response.content.decode()
    # No branch pages and no in-service register for a leader.
    assert reverse("branch_detail", args=[world.community.pk, party.first.pk]) not in body
    assert reverse("party_in_service_list", args=[world.community.pk]) not in body


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident"])
def test_other_roles_of_the_community_are_refused(client, world, party, role):
    for name in ("party_member_list", "party_medal_candidates", "party_in_service_list"):
        response = get(client, getattr(world, role), name, community_id=world.community.pk)
        assert response.status_code == 403, (role, name)


@pytest.mark.parametrize("role", ["street_officer", "outsider"])
def test_roles_without_the_community_get_404(client, world, party, role):
    response = get(client, getattr(world, role), "party_member_list", community_id=world.community.pk)
    assert response.status_code == 404


def test_filters(client, world, party):
    def found(**params):
        return names(
            get(client, world.staff, "party_member_list", community_id=world.community.pk, params=params)
        )

    assert found(branch=party.second.pk) == {"李大爷"}
    assert found(building=world.building_1.pk) == {"赵阿姨", "孙奶奶"}
    assert found(medal_year=YEAR) == {"赵阿姨"}
    assert found(medal_year=YEAR + 1) == set()
    assert found(q="li") == {"李大爷"}
    assert found(branch="none") == set()
    # A wrong value is dropped, never an error page.
    assert found(medal_year="abc") == {"赵阿姨", "孙奶奶", "李大爷"}
    assert found(medal_year="1999") == {"赵阿姨", "孙奶奶", "李大爷"}


def test_list_answers_htmx_with_the_results_only(client, world, party):
    client.force_login(world.staff)
    response = client.get(reverse("party_member_list", args=[world.community.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "共找到 3 位党员" in body


# ── medal candidates ────────────────────────────────────────────────────────────────────────────────


def test_medal_candidates_of_this_year(client, world, party):
    response = get(client, world.staff, "party_medal_candidates", community_id=world.community.pk)
    assert response.status_code == 200
    assert names(response) == {"赵阿姨"}
    assert "共 1 人" in response.content.decode()


def test_medal_candidates_for_a_year_before_2021_is_a_clear_message(client, world, party):
    response = get(
        client,
        world.staff,
        "party_medal_candidates",
        community_id=world.community.pk,
        params={"year": "2019"},
    )
    assert response.status_code == 200
    assert "从2021年开始颁发" in response.content.decode()
    assert names(response) == set()


def test_medal_sheet_prints_without_navigation(client, world, party):
    response = get(
        client,
        world.staff,
        "party_medal_candidates",
        community_id=world.community.pk,
        params={"year": YEAR, "branch": party.first.pk, "print": "1"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{YEAR}年“光荣在党50年”纪念章建议人选名单" in body and "支部意见" in body
    assert "site-nav" not in body
    assert names(response) == {"赵阿姨"}


def test_a_candidate_who_moved_out_is_not_suggested(client, world, party):
    world.zhao.__class__.objects.filter(pk=world.zhao.pk).update(moved_out=TODAY, move_out_reason="deceased")
    response = get(client, world.staff, "party_medal_candidates", community_id=world.community.pk)
    assert "赵阿姨" not in response.content.decode()


def test_building_leader_sees_the_candidates_of_their_buildings_only(client, world, party):
    li = world.li
    li.__class__.objects.filter(pk=li.pk).update(party_full_member=dt.date(YEAR - 50, 3, 1))
    staff = names(get(client, world.staff, "party_medal_candidates", community_id=world.community.pk))
    leader = names(
        get(client, world.building_leader, "party_medal_candidates", community_id=world.community.pk)
    )
    assert staff == {"赵阿姨", "李大爷"}
    assert leader == {"赵阿姨"}


# ── branch page ─────────────────────────────────────────────────────────────────────────────────────


def test_branch_page_for_staff_only(client, world, party):
    url = {"community_id": world.community.pk, "branch_id": party.first.pk}
    assert get(client, world.staff, "branch_detail", **url).status_code == 200
    assert get(client, world.building_leader, "branch_detail", **url).status_code == 403
    assert get(client, world.group_leader, "branch_detail", **url).status_code == 403
    assert get(client, world.outsider, "branch_detail", **url).status_code == 404
    # Another community's branch under one's own community: not found, whatever the role.
    wrong = {"community_id": world.community.pk, "branch_id": party.neighbour.pk}
    assert get(client, world.staff, "branch_detail", **wrong).status_code == 404


# ── identity posts (亮身份) ───────────────────────────────────────────────────────────────────────────


def test_staff_record_an_identity_post_and_the_badge_shows(client, world, party):
    client.force_login(world.staff)
    url = reverse("party_identity", args=[world.li.pk])
    response = client.post(url, {"post": "楼道堆物巡查岗", "started_on": TODAY.isoformat()})
    assert response.status_code == 302
    post = IdentityPost.objects.get(resident=world.li)
    assert post.post == "楼道堆物巡查岗" and post.ended_on is None
    listing = client.get(reverse("party_member_list", args=[world.community.pk])).content.decode()
    assert "亮身份 · 楼道堆物巡查岗" in listing
    branch = client.get(reverse("branch_detail", args=[world.community.pk, party.second.pk])).content.decode()
    assert "亮身份 · 楼道堆物巡查岗" in branch
    # The history of the change names who made it.
    assert post.history.first().history_user == world.staff


def test_ending_an_identity_post(client, world, party):
    client.force_login(world.staff)
    url = reverse("party_identity", args=[world.li.pk])
    client.post(url, {"post": "加梯协调岗", "started_on": (TODAY - dt.timedelta(days=10)).isoformat()})
    response = client.post(url, {"end": "1", "ended_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert IdentityPost.objects.get(resident=world.li).ended_on == TODAY
    listing = client.get(reverse("party_member_list", args=[world.community.pk])).content.decode()
    assert "加梯协调岗" not in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"post": "", "started_on": TODAY.isoformat()}, "这个字段是必填项"),
        (
            {"post": "巡查岗", "started_on": (TODAY + dt.timedelta(days=3)).isoformat()},
            "起始日期不能晚于今天",
        ),
        ({"post": "巡查岗", "started_on": "1960-01-01"}, "起始日期不能早于入党日期"),
    ],
)
def test_bad_identity_post_is_refused_and_saves_nothing(client, world, party, data, message):
    client.force_login(world.staff)
    response = client.post(reverse("party_identity", args=[world.li.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IdentityPost.objects.exists()


def test_identity_page_only_for_staff_and_only_for_party_members(client, world, party):
    assert get(client, world.building_leader, "party_identity", resident_id=world.zhao.pk).status_code == 403
    assert (
        get(client, world.staff, "party_identity", resident_id=world.zhou.pk).status_code == 404
    )  # not a member
    assert get(client, world.outsider, "party_identity", resident_id=world.zhao.pk).status_code == 404
    assert get(client, world.staff, "party_identity", resident_id=world.zhao.pk).status_code == 200
