"""The entrance board pages as staff, the building's leader and outsiders: what each sees, recording a visit
with and without htmx, refusals shown on the form (400, nothing saved), and the sealed "signed" figure."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.elevators.models import Attitude, OutreachEvent, PersuasionVisit
from tests.test_lift_persuasion import _consultation, campaign, small_entrance

HTMX = {"HTTP_HX_REQUEST": "true"}


def board_url(e):
    return reverse("lift_board", args=[e.project.pk])


def flat_url(e, number):
    return reverse("lift_board_flat", args=[e.project.pk, e.flats[number].pk])


@pytest.mark.parametrize("role", ["staff", "building_leader"])
def test_staff_and_the_leader_see_the_board(world, client, role):
    e = small_entrance(world)
    campaign(world, e)
    client.force_login(getattr(world, role))
    response = client.get(board_url(e))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="lift-board"' in body and 'id="lift-funnel"' in body and 'id="lift-who-next"' in body
    assert (
        f'id="flat-{e.flats["301"].pk}" class="flat-cell attitude--support" data-attitude="support"' in body
    )
    assert "业主301" in body  # owners' names, for the people working the entrance
    assert 'data-attitude="support" data-count="2"' in body
    assert "已逾期" in body  # 202's next step was due on 1 May
    assert "76.3%" in body
    # The board starts top floor first.
    assert body.index("3层") < body.index("2层") < body.index("1层")


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "outsider", "street_officer"])
def test_others_get_404(world, client, role):
    e = small_entrance(world)
    client.force_login(getattr(world, role))
    assert client.get(board_url(e)).status_code == 404
    assert client.get(flat_url(e, "301")).status_code == 404
    response = client.post(flat_url(e, "301"), {"attitude": "support"})
    assert response.status_code == 404
    assert client.get(reverse("lift_outreach_create", args=[e.project.pk])).status_code == 404
    assert not PersuasionVisit.objects.exists()


def test_a_flat_of_another_entrance_is_404_on_this_board(world, client):
    e = small_entrance(world)
    client.force_login(world.staff)
    url = reverse("lift_board_flat", args=[e.project.pk, world.flat_101.pk])
    assert client.get(url).status_code == 404


def _visit_data(**extra):
    data = {
        "attitude": "support",
        "visited_on": timezone.localdate().isoformat(),
        "visited_by": "孙奶奶",
        "concerns": ["cost"],
        "next_step": "签字",
    }
    data.update(extra)
    return data


def test_the_flat_panel_shows_history_and_form(world, client):
    e = small_entrance(world)
    campaign(world, e)
    client.force_login(world.building_leader)
    response = client.get(flat_url(e, "202"), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment for the panel
    assert "请女儿一起谈" in body and "隐私（电梯平台对窗）" in body and 'name="concerns"' in body
    assert 'id="lift-board"' not in body  # the board is sent along only after a visit is recorded
    full = client.get(flat_url(e, "202"))
    assert full.status_code == 200 and "<html" in full.content.decode()


def test_recording_by_htmx_recolours_the_board(world, client):
    e = small_entrance(world)
    client.force_login(world.building_leader)
    owner = e.owners["101"]
    response = client.post(flat_url(e, "101"), _visit_data(owner=owner.pk), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已记录" in body
    assert 'id="lift-board" class="lift-board" hx-swap-oob="true"' in body
    assert f'id="flat-{e.flats["101"].pk}" class="flat-cell attitude--support"' in body
    assert 'data-attitude="support" data-count="1"' in body
    assert 'data-attitude="uncontacted" data-count="5"' in body
    saved = PersuasionVisit.objects.get()
    assert saved.owner == owner and saved.concerns == ["cost"] and saved.recorded_by == world.building_leader


def test_recording_without_js_redirects_to_the_board(world, client):
    e = small_entrance(world)
    client.force_login(world.staff)
    response = client.post(flat_url(e, "302"), _visit_data(attitude="oppose"))
    assert response.status_code == 302
    assert response["Location"] == board_url(e) + f"#flat-{e.flats['302'].pk}"
    page = client.get(board_url(e)).content.decode()
    assert f'id="flat-{e.flats["302"].pk}" class="flat-cell attitude--oppose"' in page


@pytest.mark.parametrize(
    "data, words",
    [
        (_visit_data(visited_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat()), "不能晚于今天"),
        (_visit_data(visited_on="2026-02-01"), "不能早于项目启动日期"),
        (_visit_data(attitude="maybe"), "attitude"),
    ],
)
def test_bad_visits_are_shown_on_the_form(world, client, data, words):
    e = small_entrance(world)
    client.force_login(world.staff)
    response = client.post(flat_url(e, "301"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "errorlist" in body and (words in body or words == "attitude")
    htmx = client.post(flat_url(e, "301"), data, **HTMX)
    assert htmx.status_code == 200 and "errorlist" in htmx.content.decode()
    assert 'hx-swap-oob="true"' not in htmx.content.decode()
    assert not PersuasionVisit.objects.exists()


def test_owner_of_another_flat_cannot_be_chosen(world, client):
    e = small_entrance(world)
    client.force_login(world.staff)
    response = client.post(flat_url(e, "301"), _visit_data(owner=e.owners["302"].pk))
    assert response.status_code == 400
    assert not PersuasionVisit.objects.exists()


def test_outreach_is_recorded_and_listed(world, client):
    e = small_entrance(world)
    client.force_login(world.building_leader)
    url = reverse("lift_outreach_create", args=[e.project.pk])
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"kind": "site_visit", "held_on": timezone.localdate().isoformat(), "title": "参观"}
    )
    assert bad.status_code == 400 and "实地参观请填写" in bad.content.decode()
    assert not OutreachEvent.objects.exists()
    response = client.post(
        url,
        {
            "kind": "site_visit",
            "held_on": timezone.localdate().isoformat(),
            "title": "参观怒江苑",
            "place": "怒江苑5号已建电梯",
            "attendees": [e.flats["101"].pk, e.flats["202"].pk],
        },
    )
    assert response.status_code == 302
    page = client.get(board_url(e)).content.decode()
    assert "参观怒江苑" in page and "怒江苑5号已建电梯" in page and "2单元101室" in page


def test_signed_figure_is_sealed_for_the_leader(world, client):
    e = small_entrance(world)
    campaign(world, e)
    _consultation(world, e)
    client.force_login(world.building_leader)
    body = client.get(board_url(e)).content.decode()
    assert "表决进行中" in body and 'data-step="signed" data-flats' not in body
    client.force_login(world.staff)
    body = client.get(board_url(e)).content.decode()
    assert 'data-step="signed" data-flats="2"' in body


def test_who_next_names_the_policy_version(world, client):
    e = small_entrance(world)
    campaign(world, e)
    client.force_login(world.staff)
    body = client.get(board_url(e)).content.decode()
    from linli.elevators.policy import lift_policy

    assert lift_policy(e.project.started_on).label in body
    assert body.count('data-needed="1"') == 2
    assert Attitude.SUPPORT.label  # the labels are translatable strings


def test_an_entrance_with_no_flats_yet_shows_an_empty_board(world, client):
    from linli.elevators.models import LiftProject
    from tests.factories import EntranceFactory

    entrance = EntranceFactory(building=world.building_1, number=5)
    project = LiftProject.objects.create(
        community=world.community,
        building=world.building_1,
        entrance=entrance,
        started_on=dt.date(2026, 3, 1),
    )
    client.force_login(world.building_leader)
    response = client.get(reverse("lift_board", args=[project.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "本单元还没有登记房屋" in body and "表决范围内没有房屋" in body
