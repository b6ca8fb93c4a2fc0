"""Who may see and run meetings: staff all of their community's; a building leader only the building
meetings of buildings they lead; nobody else (403 for roles without meetings, 404 outside the scope)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation import services_meetings as services
from linli.deliberation.models import Meeting

STARTS = timezone.make_aware(dt.datetime(2026, 4, 1, 19, 0))


def meeting(world, *, buildings=None, level="building", title="楼组议事会"):
    return services.meeting_create(
        actor=world.staff,
        community=world.community,
        data=services.MeetingData(
            title=title,
            starts_at=STARTS,
            level=level,
            building_ids=[b.pk for b in (buildings or [])],
            place="活动室",
        ),
    )


def test_building_leader_sees_and_runs_only_their_buildings_meetings(world, client):
    one = meeting(world, buildings=[world.building_1], title="一号楼议事会")
    two = meeting(world, buildings=[world.building_2], title="二号楼议事会")
    whole = meeting(world, level="community", title="居民区议事会")
    client.force_login(world.building_leader)
    listing = client.get(reverse("meeting_list", args=[world.community.pk])).content.decode()
    assert "一号楼议事会" in listing and "二号楼议事会" not in listing and "居民区议事会" not in listing
    assert client.get(reverse("meeting_detail", args=[one.pk])).status_code == 200
    assert client.get(reverse("meeting_sign_in", args=[one.pk])).status_code == 200
    assert client.get(reverse("meeting_detail", args=[two.pk])).status_code == 404
    assert client.get(reverse("meeting_detail", args=[whole.pk])).status_code == 404


def test_building_leader_creates_a_meeting_only_for_their_buildings(world):
    ok = services.meeting_create(
        actor=world.building_leader,
        community=world.community,
        data=services.MeetingData(title="楼组议事会", starts_at=STARTS, building_ids=[world.building_1.pk]),
    )
    assert list(ok.buildings.all()) == [world.building_1]
    with pytest.raises(DomainError) as refused:
        services.meeting_create(
            actor=world.building_leader,
            community=world.community,
            data=services.MeetingData(title="越界", starts_at=STARTS, building_ids=[world.building_2.pk]),
        )
    assert "您只能为自己负责的楼栋召开会议" in str(refused.value.errors)
    with pytest.raises(DomainError):
        services.meeting_create(
            actor=world.building_leader,
            community=world.community,
            data=services.MeetingData(title="居民区会", starts_at=STARTS, level="community"),
        )
    assert Meeting.objects.count() == 1


def test_building_leader_may_not_change_a_meeting_that_also_covers_another_building(world, client):
    both = meeting(world, buildings=[world.building_1, world.building_2], title="两栋楼联席会")
    client.force_login(world.building_leader)
    assert client.get(reverse("meeting_detail", args=[both.pk])).status_code == 200
    assert client.get(reverse("meeting_update", args=[both.pk])).status_code == 403
    assert (
        client.post(reverse("meeting_sign_in", args=[both.pk]), {"resident": world.zhao.pk}).status_code
        == 403
    )


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "street_officer"])
def test_other_roles_have_no_meeting_pages(world, client, role):
    one = meeting(world, buildings=[world.building_1])
    client.force_login(getattr(world, role))
    assert client.get(reverse("meeting_list", args=[world.community.pk])).status_code in (403, 404)
    assert client.get(reverse("meeting_detail", args=[one.pk])).status_code == 404


def test_outsider_staff_sees_nothing(world, client):
    one = meeting(world, buildings=[world.building_1])
    client.force_login(world.outsider)
    assert client.get(reverse("meeting_list", args=[world.community.pk])).status_code == 404
    assert client.get(reverse("meeting_detail", args=[one.pk])).status_code == 404


def test_staff_create_a_meeting_through_the_page_with_its_agenda(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("meeting_create", args=[world.community.pk]),
        {
            "title": "一号楼楼组议事会",
            "level": "building",
            "buildings": [world.building_1.pk],
            "starts_at": "2026-04-01T19:00",
            "place": "一号楼活动室",
            "status": "planned",
            "agenda": "楼道堆物清理\n\n加装电梯意向",
        },
    )
    created = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "meeting_invitees", args=[created.pk]
    )
    assert [i.title for i in created.agenda_items.all()] == ["楼道堆物清理", "加装电梯意向"]
    assert created.history.exists() and {h.history_user for h in created.history.all()} == {world.staff}


def test_a_meeting_without_buildings_gets_a_chinese_message_and_saves_nothing(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("meeting_create", args=[world.community.pk]),
        {"title": "议事会", "level": "building", "starts_at": "2026-04-01T19:00", "status": "planned"},
    )
    assert response.status_code == 200
    assert "楼组会议请至少选择一栋楼" in response.content.decode()
    assert not Meeting.objects.exists()
