"""The resident's portal pages show their household's things and nothing else: the notices, votes and
conventions that cover them; another building's or community's are 404. Voting is once; signing is once
per household; suggestions and objections reach the deliberation services."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.models import Membership, Role
from linli.deliberation import services_conventions, services_notices, services_votes
from linli.deliberation.models import Ballot, ConventionSignature, ConventionSuggestion, Objection
from linli.registry.models import Resident
from tests.factories import UserFactory


def portal_user(resident):
    """The user a portal sign-in makes for the resident (linli.portal.services.resident_sign_in)."""
    user = UserFactory(username=f"jm{resident.pk}", display_name=resident.name)
    Resident.objects.filter(pk=resident.pk).update(user=user)
    Membership.objects.create(
        user=user, role=Role.RESIDENT, community=resident.community, household=resident.household
    )
    return user


@pytest.fixture
def things(world):
    now = timezone.now()
    staff, outsider = world.staff, world.outsider
    vote_here = services_votes.consultation_create(
        actor=staff,
        community=world.community,
        title="一号楼加装电梯意见征询",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        questions=[services_votes.QuestionSpec(text="是否同意加装电梯？")],
        buildings=[world.building_1],
    )
    vote_there = services_votes.consultation_create(
        actor=staff,
        community=world.community,
        title="二号楼车棚改造征询",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        questions=[services_votes.QuestionSpec(text="是否同意改造车棚？")],
        buildings=[world.building_2],
    )
    for c in (vote_here, vote_there):
        services_votes.consultation_open(actor=staff, consultation=c)
    notice_here = services_notices.notice_create(
        actor=staff,
        community=world.community,
        title="一号楼维修基金公示",
        text="维修基金使用情况如下。",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=5),
        buildings=[world.building_1],
    )
    notice_there = services_notices.notice_create(
        actor=staff,
        community=world.community,
        title="二号楼绿化公示",
        text="绿化调整。",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=5),
        buildings=[world.building_2],
    )
    convention_here = services_conventions.convention_create(
        actor=staff, community=world.community, title="文明养犬公约", text="一、遛狗牵绳。\n二、及时清理。"
    )
    services_conventions.convention_adopt(
        actor=staff,
        convention=convention_here,
        version=convention_here.versions.get(),
        adopted_on=timezone.localdate(),
        resolution="2026年居民会议通过",
    )
    draft_here = services_conventions.convention_create(
        actor=staff, community=world.community, title="楼道堆物公约（草案）", text="楼道不得堆放杂物。"
    )
    convention_there = services_conventions.convention_create(
        actor=outsider, community=world.neighbour, title="二村停车公约", text="按位停车。"
    )
    return {
        "vote_here": vote_here,
        "vote_there": vote_there,
        "notice_here": notice_here,
        "notice_there": notice_there,
        "convention_here": convention_here,
        "draft_here": draft_here,
        "convention_there": convention_there,
    }


def test_home_lists_the_households_things_only(world, client, things):
    client.force_login(portal_user(world.zhao))
    body = client.get(reverse("portal_home")).content.decode()
    for mine in (
        "一号楼加装电梯意见征询",
        "一号楼维修基金公示",
        "文明养犬公约",
        "楼道堆物公约（草案）",
        "钱先生",
    ):
        assert mine in body, mine
    for theirs in ("二号楼车棚改造征询", "二号楼绿化公示", "二村停车公约", "孙奶奶", "李大爷", "周阿婆"):
        assert theirs not in body, theirs


def test_pages_of_other_households_things_are_404(world, client, things):
    client.force_login(portal_user(world.zhao))
    for name, kwargs in (
        ("portal_vote", {"consultation_id": things["vote_there"].pk}),
        ("portal_notice", {"notice_id": things["notice_there"].pk}),
        ("portal_notice_object", {"notice_id": things["notice_there"].pk}),
        ("portal_convention", {"convention_id": things["convention_there"].pk}),
        ("portal_convention_sign", {"convention_id": things["convention_there"].pk}),
    ):
        response = client.post(reverse(name, kwargs=kwargs), {"text": "试试"})
        assert response.status_code in (404, 405), name
        assert client.get(reverse(name, kwargs=kwargs)).status_code in (404, 405), name
    assert not Objection.objects.exists() and not ConventionSignature.objects.exists()


def test_a_resident_votes_once(world, client, things):
    client.force_login(portal_user(world.zhao))
    vote = things["vote_here"]
    url = reverse("portal_vote", kwargs={"consultation_id": vote.pk})
    question = vote.questions.get()
    agree = question.choices.get(in_favour=True)
    assert client.post(url, {}).status_code == 400  # an empty ballot: a message, nothing saved
    assert not Ballot.objects.exists()
    response = client.post(url, {f"q_{question.pk}": agree.pk})
    assert response.status_code == 302
    assert Ballot.objects.get().method == "online"
    page = client.get(url).content.decode()
    assert "您已投票" in page and "提交我的投票" not in page
    again = client.post(url, {f"q_{question.pk}": agree.pk})
    assert again.status_code == 400 and "已经投过票" in again.content.decode()
    assert Ballot.objects.count() == 1


def test_a_household_signs_the_convention_once_and_comments_on_a_draft(world, client, things):
    client.force_login(portal_user(world.zhao))
    convention = things["convention_here"]
    page = client.get(reverse("portal_convention", kwargs={"convention_id": convention.pk})).content.decode()
    assert "遛狗牵绳" in page and "代表全家签署" in page
    sign = reverse("portal_convention_sign", kwargs={"convention_id": convention.pk})
    assert client.post(sign).status_code == 302
    again = client.post(sign, follow=True).content.decode()
    assert "已经签署过" in again
    assert ConventionSignature.objects.filter(household=world.own_household).count() == 1
    # 钱先生, same household, finds it signed.
    client.force_login(portal_user(world.qian))
    home = client.get(reverse("portal_home")).content.decode()
    assert "文明养犬公约" not in home.split("待签署的公约")[1].split("正在征求意见")[0]
    draft = things["draft_here"]
    url = reverse("portal_convention_suggest", kwargs={"convention_id": draft.pk})
    assert "请填写内容" in client.post(url, {"text": ""}).content.decode()
    assert client.post(url, {"text": "建议增加电动车停放的规定。"}).status_code == 302
    assert ConventionSuggestion.objects.get().household == world.own_household


def test_a_resident_reads_a_notice_and_objects(world, client, things):
    client.force_login(portal_user(world.zhao))
    notice = things["notice_here"]
    assert "【未读】" in client.get(reverse("portal_home")).content.decode()
    page = client.get(reverse("portal_notice", kwargs={"notice_id": notice.pk})).content.decode()
    assert "维修基金使用情况" in page
    assert "【未读】" not in client.get(reverse("portal_home")).content.decode()
    url = reverse("portal_notice_object", kwargs={"notice_id": notice.pk})
    assert client.post(url, {"text": "费用明细请再公布详细一些。"}).status_code == 302
    assert Objection.objects.get().household == world.own_household


def test_a_user_without_a_household_is_told_so(world, client):
    client.force_login(world.volunteer)
    response = client.get(reverse("portal_home"))
    assert response.status_code == 403 and "只对居民开放" in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(world, client):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal_sign_in"))
