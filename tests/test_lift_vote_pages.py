"""The lift vote page and its printed result, per role: staff start the vote and see participation and the
count at any time; the building's leader sees only "open until …" before the close (the engine's
sealing), then the result; an outsider gets 404; bad input is a Chinese message with status 400."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.deliberation.models import Consultation
from linli.elevators.policy import lift_policy
from tests.test_lift_vote_service import (
    AGREE,
    OPPOSE,
    START,
    _cast,
    _close,
    _own,
    _project,
    _start,
    _vote_worked_example,
    _worked_example,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _urls(project):
    return reverse("lift_vote", args=[project.pk]), reverse("lift_vote_print", args=[project.pk])


def test_staff_start_the_vote_from_the_page(client, world):
    entrance, _flats, _owners = _worked_example(world.building_1)
    project = _project(entrance)
    page, printed = _urls(project)
    client.force_login(world.staff)
    response = client.get(page)
    assert response.status_code == 200 and "发起业主表决" in response.content.decode()
    assert client.get(printed).status_code == 404  # nothing to print before a vote
    now = timezone.localtime()
    bad = client.post(
        page,
        {
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert bad.status_code == 400 and "截止时间必须晚于开始时间" in bad.content.decode()
    assert not Consultation.objects.exists()
    good = client.post(
        page,
        {
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timezone.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert good.status_code == 302
    project.refresh_from_db()
    assert project.consultation.is_open
    again = client.get(page).content.decode()
    assert "参与情况" in again and "已投 0 位产权人，应投 11 位" in again
    assert reverse("consultation_detail", args=[project.consultation_id]) in again


def test_staff_see_the_four_tests_with_exact_fractions_and_the_policy(client, world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    client.force_login(world.staff)
    page, printed = _urls(project)
    html = client.get(page).content.decode()
    assert "当前计票" in html  # open: staff see the count, marked as not for publication
    assert "600/720" in html and "5/6（83.33%）" in html
    assert "9/11" in html and "480/600" in html and "4/5（80.00%）" in html and "7/9" in html
    assert "表决通过" in html and lift_policy(START).label in html
    _close(world, c)
    html = client.get(page).content.decode()
    assert "表决结果" in html and "当前计票" not in html


def test_a_failed_vote_shows_the_shortfall_and_who_could_still_consent(client, world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=OPPOSE)
    _close(world, c)
    client.force_login(world.staff)
    html = client.get(_urls(project)[0]).content.decode()
    assert "表决未通过" in html and "3/5（60.00%）" in html and "2/3（66.67%）" in html
    assert "还差 90 平方米" in html  # 3/4 × 600 − 360
    assert "至少还需 1 户业主同意" in html and "2单元501室+2单元502室" in html


def test_pending_flats_are_named_and_the_result_is_not_final(client, world):
    entrance, flats, owners = _worked_example(world.building_1)
    partner = _own(flats["302"], "共有人丙", share=(1, 2))
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _cast(world, c, partner, OPPOSE)
    client.force_login(world.staff)
    html = client.get(_urls(project)[0]).content.decode()
    assert "结果未定" in html and "2单元302室" in html


def test_building_leader_sees_only_that_the_vote_is_open_until_the_close(client, world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    client.force_login(world.building_leader)
    page, printed = _urls(project)
    assert "发起业主表决" in client.get(page).content.decode()  # the leader may run the vote
    c = _start(world.building_leader, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    html = client.get(page).content.decode()
    assert "表决进行中" in html and "截止" in html
    for secret in ("参与情况", "同意的专有部分面积", "480/600", "表决通过", "已投"):
        assert secret not in html
    assert client.get(printed).status_code == 403
    _close(world, c)
    html = client.get(page).content.decode()
    assert "表决通过" in html and "480/600" in html and "参与情况" not in html
    response = client.get(printed)
    assert response.status_code == 200
    text = response.content.decode()
    assert lift_policy(START).label in text and "表决票清单" not in text  # the ballot list is staff's


def test_outsider_gets_404(client, world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _close(world, c)
    client.force_login(world.outsider)
    page, printed = _urls(project)
    assert client.get(page).status_code == 404
    assert client.get(printed).status_code == 404
    assert client.post(page, {}).status_code == 404


def test_print_page_has_the_result_policy_and_masked_ballot_list(client, world):
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=AGREE)
    _close(world, c)
    client.force_login(world.staff)
    text = client.get(_urls(project)[1]).content.decode()
    assert "@page { size: A4" in text
    assert f"判定依据：{lift_policy(START).label}" in text
    assert "表决票清单" in text and "2单元501室" in text and "60" in text
    assert "甲*" in text and "甲业主" not in text and "业主101" not in text
    assert "纸质表决票" in text and "未投" in text  # 601 and 602 did not vote


def test_engine_tally_page_works_for_a_lift_vote(client, world):
    """The engine's own tally page evaluates the registered fallback rule without error, and says the
    project's page decides."""
    entrance, _flats, owners = _worked_example(world.building_1)
    project = _project(entrance)
    c = _start(world.staff, project)
    _vote_worked_example(world, c, owners, a_choice=OPPOSE)
    _close(world, c)
    client.force_login(world.staff)
    response = client.get(reverse("consultation_tally", args=[c.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and "以加梯项目页面按户计算的结果为准" in text
    assert "结果：未通过" in text and "同意的业主人数未达到要求" in text
