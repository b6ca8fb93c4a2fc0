"""The consultation pages and API per role: staff create, open, enter a paper ballot, close and print;
a voter votes online once; leaders record doorstep ballots only for their own voters; results sealed until
the close; other communities get 404; bad input a Chinese message and nothing saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.deliberation.models import Ballot, Consultation, VoteAttemptLog
from tests.test_votes_support import answers_for, link_user, opened, photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _form_answers(c, favour=True):
    return {f"q{q}": v for q, v in answers_for(c, favour=favour).items()}


def test_staff_create_open_enter_close_print(client, world):
    client.force_login(world.staff)
    url = reverse("consultation_create", args=[world.community.pk])
    assert client.get(url).status_code == 200
    now = timezone.localtime()
    data = {
        "title": "1号楼楼道堆物整治方案意见征询",
        "electorate": "residents",
        "buildings": [world.building_1.pk],
        "weighting": "headcount",
        "threshold": "simple_majority",
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timezone.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "questions": "是否同意整治方案？\n清理时间：周六 / 周日\n【多选】需要的帮助：搬运 / 回收 / 其他",
    }
    bad = client.post(
        url, {**data, "closes_at": (now - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")}
    )
    assert bad.status_code == 200 and "截止时间必须晚于开始时间" in bad.content.decode()
    assert not Consultation.objects.exists()
    response = client.post(url, data)
    c = Consultation.objects.get()
    assert response.status_code == 302 and c.status == "draft"
    assert [q.kind for q in c.questions.all()] == ["approve", "single", "multiple"]
    client.post(reverse("consultation_open", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == "open" and c.voters.count() == 3
    voter = c.voters.get(resident=world.sun)
    enter = reverse("consultation_ballot_enter", args=[c.pk, voter.pk])
    page = client.get(enter)
    assert page.status_code == 200 and "签字表决票照片" in page.content.decode()
    missing = client.post(enter, {**_form_answers(c), "method": "paper"})
    assert "请上传" in missing.content.decode() and not Ballot.objects.exists()
    client.post(enter, {**_form_answers(c), "method": "paper", "photo": photo()})
    assert Ballot.objects.get().method == "paper"
    detail = client.get(reverse("consultation_detail", args=[c.pk])).content.decode()
    assert "已投 1 人，应投 3 人" in detail
    client.post(reverse("consultation_close", args=[c.pk]))
    tally = client.get(reverse("consultation_tally", args=[c.pk])).content.decode()
    assert "孙*" in tally and "孙奶奶" not in tally and "结果：通过" in tally


def test_voter_votes_online_once_and_results_are_sealed(client, world):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    client.force_login(world.resident)
    assert client.get(reverse("consultation_detail", args=[c.pk])).status_code == 200
    assert client.get(reverse("consultation_tally", args=[c.pk])).status_code == 403
    vote = reverse("consultation_vote", args=[c.pk])
    assert client.get(vote).status_code == 200
    client.post(vote, _form_answers(c))
    assert Ballot.objects.get().voter.resident == world.zhao
    again = client.post(vote, _form_answers(c, favour=False), follow=True)
    assert "已经投过票" in again.content.decode()
    # The API says so too, in Chinese, and logs the attempt.
    api = client.post(
        f"/api/v1/consultations/{c.pk}/ballots",
        {"answers": {str(k): v for k, v in answers_for(c).items()}},
        content_type="application/json",
    )
    assert api.status_code == 422 and "已经投过票" in api.json()["detail"]
    assert VoteAttemptLog.objects.filter(consultation=c).count() == 1
    assert client.get(f"/api/v1/consultations/{c.pk}/tally").status_code == 403
    assert client.get(f"/api/v1/consultations/{c.pk}/ballots").status_code == 403
    client.force_login(world.staff)
    client.post(reverse("consultation_close", args=[c.pk]))
    client.force_login(world.resident)
    assert client.get(reverse("consultation_tally", args=[c.pk])).status_code == 200
    body = client.get(f"/api/v1/consultations/{c.pk}/tally").json()
    assert body["final"] and body["cast"] == 1 and body["questions"][0]["passed"] is True


def test_api_cast_and_list(client, world):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    client.force_login(world.resident)
    mine = client.get("/api/v1/me/consultations").json()
    assert [m["id"] for m in mine] == [c.pk] and mine[0]["has_voted"] is False
    bad = client.post(
        f"/api/v1/consultations/{c.pk}/ballots", {"answers": {}}, content_type="application/json"
    )
    assert bad.status_code == 422 and "请回答第1题" in str(bad.json())
    ok = client.post(
        f"/api/v1/consultations/{c.pk}/ballots",
        {"answers": {str(k): v for k, v in answers_for(c).items()}},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["method"] == "online"
    client.force_login(world.staff)
    ballots = client.get(f"/api/v1/consultations/{c.pk}/ballots").json()
    assert [b["voter_name"] for b in ballots] == ["赵阿姨"]
    assert client.get(f"/api/v1/ballots/{ballots[0]['id']}").status_code == 200
    assert client.get(f"/api/v1/consultations/{c.pk}/tally").json()["final"] is False
    # A non-voter of the community cannot cast.
    client.force_login(world.volunteer)
    denied = client.post(
        f"/api/v1/consultations/{c.pk}/ballots", {"answers": {}}, content_type="application/json"
    )
    assert denied.status_code == 404


def test_doorstep_page_lists_only_the_leaders_voters(client, world):
    c = opened(world)
    client.force_login(world.building_leader)
    page = client.get(reverse("consultation_doorstep", args=[c.pk])).content.decode()
    assert "赵阿姨" in page and "周阿婆" not in page and "李大爷" not in page
    zhou = c.voters.get(resident=world.zhou)
    assert client.get(reverse("consultation_ballot_enter", args=[c.pk, zhou.pk])).status_code == 404
    zhao = c.voters.get(resident=world.zhao)
    form = client.get(reverse("consultation_ballot_enter", args=[c.pk, zhao.pk])).content.decode()
    assert "纸质表决票（工作人员录入）" not in form and "委托书（照片" not in form  # doorstep only
    client.post(
        reverse("consultation_ballot_enter", args=[c.pk, zhao.pk]),
        {**_form_answers(c), "method": "doorstep", "photo": photo()},
    )
    ballot = Ballot.objects.get()
    assert ballot.method == "doorstep" and ballot.recorded_by == world.building_leader
    client.force_login(world.volunteer)
    assert client.get(reverse("consultation_doorstep", args=[c.pk])).status_code == 404


@pytest.mark.parametrize("role", ["outsider", "street_officer", "volunteer", "resident"])
def test_other_roles_see_nothing(client, world, role):
    c = opened(world)
    client.force_login(getattr(world, role))
    for name in ("consultation_detail", "consultation_tally", "consultation_doorstep"):
        assert client.get(reverse(name, args=[c.pk])).status_code == 404, name
    assert client.get(reverse("consultation_list", args=[world.community.pk])).status_code in (403, 404)
    assert client.get(f"/api/v1/consultations/{c.pk}").status_code == 404


def test_leaders_may_not_manage(client, world):
    c = opened(world)
    for role in ("building_leader", "group_leader"):
        client.force_login(getattr(world, role))
        assert client.get(reverse("consultation_list", args=[world.community.pk])).status_code == 403
        assert client.post(reverse("consultation_close", args=[c.pk])).status_code == 403
        assert client.get(reverse("consultation_tally", args=[c.pk])).status_code == 403
    assert Consultation.objects.get(pk=c.pk).status == "open"
