"""The residents' portal shows the photo wall of the lift project of the resident's own entrance, and
its photo files, privately; another entrance's project or photo is a 404, as it is for anyone who is not
a resident there (staff use the staff pages). The portal's home page links to the wall once there are
photos."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from linli.core.models import Role
from tests.factories import UserFactory, grant
from tests.test_lift_photos import add, make_project, png_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def walls(world):
    """A project with a photo in building 1's entrance (the resident actor's) and in building 2's."""
    own = make_project(world.entrance_1)
    other = make_project(world.flat_201.entrance)
    return {
        "own": own,
        "own_photo": add(world.staff, own, caption="一单元井道开挖"),
        "other": other,
        "other_photo": add(world.staff, other, raw=png_bytes(), caption="二号楼的照片"),
    }


@pytest.fixture
def li_user(world):
    """A portal user of 李大爷's household, in building 2's entrance."""
    user = UserFactory(username="li-home")
    grant(user, Role.RESIDENT, community=world.community, household=world.li.household)
    return user


def wall_url(project) -> str:
    return reverse("portal_lift_photos", args=[project.pk])


def test_a_resident_sees_their_entrances_wall(client, world, walls):
    client.force_login(world.resident)
    response = client.get(wall_url(walls["own"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "一单元井道开挖" in body and "二号楼的照片" not in body
    photo = walls["own_photo"]
    assert reverse("portal_lift_photo_thumb", args=[photo.pk]) in body
    assert reverse("portal_lift_photo_full", args=[photo.pk]) in body
    staff_url = reverse("lift_photo_full", args=[photo.pk])
    assert f'"{staff_url}"' not in body  # the staff URL would be a 404 to them
    assert photo.stage.name in body


def test_a_resident_of_another_entrance_gets_a_404(client, world, walls, li_user):
    client.force_login(world.resident)
    assert client.get(wall_url(walls["other"])).status_code == 404
    client.force_login(li_user)
    assert client.get(wall_url(walls["own"])).status_code == 404
    assert client.get(wall_url(walls["other"])).status_code == 200


@pytest.mark.parametrize("role", ["staff", "building_leader", "group_leader", "outsider", "volunteer"])
def test_the_portal_wall_is_for_residents_only(client, world, walls, role):
    client.force_login(getattr(world, role))
    assert client.get(wall_url(walls["own"])).status_code == 404


def test_a_visitor_is_sent_to_the_portal_sign_in(client, walls):
    response = client.get(wall_url(walls["own"]))
    assert response.status_code == 302 and response["Location"].startswith("/portal/sign-in/")


def test_a_resident_opens_the_files_of_their_entrance_only(client, world, walls, li_user):
    client.force_login(world.resident)
    own, other = walls["own_photo"], walls["other_photo"]
    for name in ("portal_lift_photo_full", "portal_lift_photo_thumb"):
        response = client.get(reverse(name, args=[own.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        Image.open(io.BytesIO(b"".join(response.streaming_content))).verify()
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
        # The staff file views stay closed to residents.
        staff_name = name.replace("portal_", "")
        assert client.get(reverse(staff_name, args=[own.pk])).status_code == 404
    client.force_login(li_user)
    assert client.get(reverse("portal_lift_photo_full", args=[own.pk])).status_code == 404
    response = client.get(reverse("portal_lift_photo_full", args=[other.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_staff_do_not_open_files_through_the_portal(client, world, walls):
    client.force_login(world.staff)
    assert client.get(reverse("portal_lift_photo_full", args=[walls["own_photo"].pk])).status_code == 404


def test_the_home_page_links_to_the_wall_once_there_are_photos(client, world):
    project = make_project(world.entrance_1)
    client.force_login(world.resident)
    assert wall_url(project) not in client.get(reverse("portal_home")).content.decode()
    add(world.staff, project)
    body = client.get(reverse("portal_home")).content.decode()
    assert wall_url(project) in body and "加装电梯照片墙" in body


def test_the_home_page_does_not_link_to_another_entrances_wall(client, world, walls, li_user):
    client.force_login(li_user)
    body = client.get(reverse("portal_home")).content.decode()
    assert wall_url(walls["other"]) in body and wall_url(walls["own"]) not in body
