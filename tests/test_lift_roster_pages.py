"""The duty roster pages: the project's staff and building leader generate and read the roster, an
outsider gets nothing; an impossible roster is explained on the page with nothing stored; bad input is a
form message (400); refused swaps say why; the print page lists every assignment and no phone number."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.elevators import services_roster as services
from linli.elevators.models import DutyAssignment, DutyRoster
from tests.conftest import PASSWORD
from tests.test_lift_roster_service import AM, FRIDAY, MONDAY, PM, project_for, volunteer


@pytest.fixture
def project(world):
    return project_for(world.entrance_1)


@pytest.fixture
def people(world):
    # Building leaders see the volunteers who live in their buildings: two of building 1, one outside.
    return [
        volunteer(world.community, "", resident=world.zhao, phone="13800001111"),
        volunteer(world.community, "", resident=world.qian, phone="13800002222"),
        volunteer(world.community, "外来志愿者", phone="13800003333"),
    ]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def form_data(people, *, max_shifts=5, start=MONDAY, end=FRIDAY):
    data = {
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "slots": "上午 08:00-12:00\n下午 12:00-17:00",
        "need": "1",
        "max_per_day": "1",
        "working_days_only": "on",
    }
    for v in people:
        data[f"pick_{v.pk}"] = "on"
        data[f"max_{v.pk}"] = str(max_shifts)
        data[f"off_{v.pk}"] = ""
    return data


def test_staff_see_the_form_with_every_current_volunteer(world, client, project, people):
    response = login(client, world.staff).get(reverse("lift_roster", args=[project.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "生成排班" in text and "赵阿姨" in text and "外来志愿者" in text
    assert "上午 08:00-12:00" in text  # the default slots


def test_the_building_leader_generates_a_roster(world, client, project, people):
    mine = people[:2]
    response = login(client, world.building_leader).post(
        reverse("lift_roster", args=[project.pk]), form_data(mine, max_shifts=5)
    )
    assert response.status_code == 302
    roster = DutyRoster.objects.get(project=project)
    assert roster.assignments.count() == 10
    page = client.get(reverse("lift_roster", args=[project.pk])).content.decode()
    assert "最多 5 班，最少 5 班" in page and "钱先生" in page
    assert "外来志愿者" not in page  # not in the leader's scope


def test_outsiders_get_nothing(world, client, project, people):
    for user in (world.outsider, world.volunteer, world.resident):
        client.logout()
        login(client, user)
        for name in ("lift_roster", "lift_roster_print"):
            assert client.get(reverse(name, args=[project.pk])).status_code in (403, 404)
        assert client.post(reverse("lift_roster", args=[project.pk]), form_data(people)).status_code in (
            403,
            404,
        )
    assert not DutyRoster.objects.exists()


def test_an_impossible_roster_is_explained_and_nothing_is_stored(world, client, project, people):
    response = login(client, world.staff).post(
        reverse("lift_roster", args=[project.pk]), form_data(people[:1], max_shifts=2)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "排不出完整的值守表" in text and "至少还差8人次" in text and "排不上人的班次" in text
    assert not DutyRoster.objects.exists() and not DutyAssignment.objects.exists()


def test_bad_input_is_a_form_message(world, client, project, people):
    login(client, world.staff)
    url = reverse("lift_roster", args=[project.pk])
    response = client.post(url, form_data([]))
    assert response.status_code == 400 and "请至少选择一位值守志愿者" in response.content.decode()
    data = form_data(people)
    data["slots"] = "上午 12:00-08:00"
    response = client.post(url, data)
    assert response.status_code == 400 and "结束时间应晚于开始时间" in response.content.decode()
    data = form_data(people, start=dt.date(2026, 3, 7), end=dt.date(2026, 3, 8))  # a weekend
    response = client.post(url, data)
    assert response.status_code == 400 and "没有需要值守的班次" in response.content.decode()
    assert not DutyRoster.objects.exists()


def _generate(world, project, people):
    return services.roster_generate(
        actor=world.staff,
        project=project,
        starts_on=MONDAY,
        ends_on=FRIDAY,
        slots=[AM, PM],
        members=[(v, 5, ()) for v in people],
        time_limit_s=3.0,
    ).roster


def test_a_refused_swap_says_why(world, client, project, people):
    roster = _generate(world, project, people)
    monday = list(DutyAssignment.objects.filter(roster=roster, day=MONDAY).order_by("slot"))
    # Two different people on Monday: swapping keeps one each — allowed. Replacing the morning one by the
    # afternoon one would put them twice on Monday — refused.
    response = login(client, world.staff).post(
        reverse("lift_roster_replace", args=[project.pk]),
        {"assignment": monday[0].pk, "volunteer": monday[1].volunteer_id},
    )
    assert response.status_code == 400 and "不能这样调班" in response.content.decode()
    # A swap that keeps everyone to one shift a day goes through: a Monday person not on Tuesday trades
    # with the Tuesday person who is not on Monday.
    tuesday = list(DutyAssignment.objects.filter(roster=roster, day=MONDAY + dt.timedelta(days=1)))
    on_tuesday = {a.volunteer_id for a in tuesday}
    mine = next(a for a in monday if a.volunteer_id not in on_tuesday)
    theirs = next(a for a in tuesday if a.volunteer_id not in {m.volunteer_id for m in monday})
    response = client.post(
        reverse("lift_roster_swap", args=[project.pk]),
        {"assignment_a": mine.pk, "assignment_b": theirs.pk},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.volunteer_id == theirs.volunteer_id


def test_the_print_page_lists_every_assignment_without_phones(world, client, project, people):
    roster = _generate(world, project, people)
    response = login(client, world.staff).get(reverse("lift_roster_print", args=[project.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    names = {"赵阿姨": 0, "钱先生": 0, "外来志愿者": 0}
    for a in DutyAssignment.objects.filter(roster=roster).select_related("volunteer__resident"):
        names[a.volunteer.display_name] += 1
    for name, count in names.items():
        assert text.count(name) == count, name
    assert sum(names.values()) == 10
    for day in ("2026年3月2日", "2026年3月6日"):
        assert day in text
    assert "1380000" not in text


def test_a_leader_regenerating_keeps_the_members_staff_added(world, client, project, people):
    _generate(world, project, people)  # staff picked the volunteer from outside building 1 too
    page = (
        login(client, world.building_leader).get(reverse("lift_roster", args=[project.pk])).content.decode()
    )
    outside = people[2]
    assert f'name="pick_{outside.pk}" id="id_pick_{outside.pk}" checked' in page
    assert 'value="2026-03-02"' in page  # the period as the date picker reads it
    response = client.post(reverse("lift_roster", args=[project.pk]), form_data(people))
    assert response.status_code == 302
    assert DutyAssignment.objects.filter(roster__project=project, volunteer=outside).exists()
