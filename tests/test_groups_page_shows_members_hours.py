"""The group page shows each current member's confirmed hours of the year to the community's staff and
the group's own leaders (the 暖心组 leader's landing page), and to nobody else."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.organizing.models import ServiceRecord, Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def hours(world):
    """李大爷 (the group's only member) volunteers: 2.5 + 1 confirmed hours this year, 4 unconfirmed, and
    3 confirmed last year."""
    today = timezone.localdate()
    volunteer = Volunteer.objects.create(
        community=world.community, resident=world.li, name="", registered_on=dt.date(2024, 1, 1)
    )

    def record(day, amount, confirmed=True):
        ServiceRecord.objects.create(
            community=world.community,
            volunteer=volunteer,
            date=day,
            hours=Decimal(amount),
            activity="独居老人探访",
            group=world.group,
            confirmed_by=world.staff if confirmed else None,
            confirmed_at=timezone.now() if confirmed else None,
        )

    start = today.replace(month=1, day=1)
    record(start, "2.5")
    record(start, "1")
    record(start, "4", confirmed=False)
    record(start - dt.timedelta(days=1), "3")
    return volunteer


def hours_cell(body: str, name: str) -> str:
    row = re.search(rf"<tr>\s*<th scope=\"row\">.*?{name}.*?</tr>", body, re.S)
    assert row, f"{name} not in the members table"
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    return cells[2].strip()  # address, joined on, hours


@pytest.mark.parametrize("role", ["staff", "group_leader"])
def test_staff_and_the_groups_leader_see_this_years_confirmed_hours(client, world, hours, role):
    client.force_login(getattr(world, role))
    body = client.get(reverse("group_detail", args=[world.group.pk])).content.decode()
    assert f"{timezone.localdate().year}年服务时长" in body
    assert hours_cell(body, "李大爷") == "3.5"


def test_the_group_leader_lands_on_the_group_page(client, world):
    client.force_login(world.group_leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("group_detail", args=[world.group.pk])


def test_others_who_may_open_the_group_do_not_see_hours(client, world, hours):
    for role in ("building_leader", "volunteer", "resident", "outsider", "street_officer"):
        client.force_login(getattr(world, role))
        response = client.get(reverse("group_detail", args=[world.group.pk]))
        assert response.status_code in (200, 403, 404), role
        assert "服务时长" not in response.content.decode(), role
