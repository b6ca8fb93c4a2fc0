"""A ballot's photo and proxy document: staff of the community open them from the consultation page,
through a view that checks the scope, is never cached and logs each look; everyone else gets the 404 or
403 the rest of the consultation pages give, and nothing is logged for them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from linli.core.models import AccessLog
from linli.deliberation import demo_votes
from linli.deliberation import services_votes as services
from linli.deliberation.demo_votes import plain_png
from linli.deliberation.models import Ballot
from linli.deliberation.views_votes import sniff_content_type
from tests.test_votes_support import PNG, answers_for, link_user, opened, photo

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ballots(world):
    """An open consultation of the whole community: 孙奶奶's paper ballot (entered by staff), 周阿婆's proxy
    ballot, and 赵阿姨's doorstep ballot recorded by her building leader; 赵阿姨 is the resident actor."""
    c = opened(world)
    link_user(world.zhao, world.resident)

    def cast(resident, actor, **kw):
        voter = c.voters.get(resident=resident)
        return services.ballot_cast(actor=actor, consultation=c, voter=voter, answers=answers_for(c), **kw)

    return {
        "consultation": c,
        "paper": cast(world.sun, world.staff, method="paper", photo=photo()),
        "proxy": cast(
            world.zhou,
            world.staff,
            method="proxy",
            proxy_name="周小妹",
            proxy_document=photo("委托书-周阿婆.pdf", PDF),
        ),
        "doorstep": cast(world.zhao, world.building_leader, method="doorstep", photo=photo()),
    }


def _reveals():
    return AccessLog.objects.filter(action="reveal")  # signing in is logged too


def _photo_url(ballot):
    return reverse("ballot_photo", args=[ballot.pk])


def _proxy_url(ballot):
    return reverse("ballot_proxy_document", args=[ballot.pk])


def test_staff_see_the_photo_uncached_and_logged(client, world, ballots):
    client.force_login(world.staff)
    ballot = ballots["paper"]
    response = client.get(_photo_url(ballot))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("inline")
    log = _reveals().get()
    assert (log.user, log.action, log.field) == (world.staff, "reveal", "photo")
    assert (log.object_type, log.object_id) == ("deliberation.ballot", ballot.pk)
    assert log.community == world.community and log.reason == "查看签字表决票照片"


def test_each_look_is_logged_again(client, world, ballots):
    client.force_login(world.staff)
    for _ in range(2):
        b"".join(client.get(_photo_url(ballots["paper"])).streaming_content)
    assert _reveals().filter(field="photo").count() == 2


def test_staff_see_the_proxy_document_as_a_pdf_under_a_neutral_name(client, world, ballots):
    client.force_login(world.staff)
    response = client.get(_proxy_url(ballots["proxy"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline") and "周" not in disposition  # the uploaded name is not echoed
    assert _reveals().get().reason == "查看书面委托书"


def test_a_ballot_without_the_file_is_404_and_logs_nothing(client, world, ballots):
    client.force_login(world.staff)
    assert client.get(_photo_url(ballots["proxy"])).status_code == 404  # a proxy ballot has no photo
    assert client.get(_proxy_url(ballots["paper"])).status_code == 404
    assert not _reveals().exists()


def test_a_file_missing_from_storage_is_404(client, world, ballots):
    ballot = ballots["paper"]
    ballot.photo.storage.delete(ballot.photo.name)
    client.force_login(world.staff)
    assert client.get(_photo_url(ballot)).status_code == 404
    assert not _reveals().exists()


def test_the_building_leader_who_recorded_it_may_not_see_it_again(client, world, ballots):
    """The leader sees the consultation (to record doorstep ballots) but not the ballots: 403, as the tally."""
    client.force_login(world.building_leader)
    assert client.get(_photo_url(ballots["doorstep"])).status_code == 403
    assert client.get(_photo_url(ballots["paper"])).status_code == 403  # 孙奶奶 lives in building 1 too
    assert not _reveals().exists()


def test_the_voter_may_not_see_her_own_ballot_photo(client, world, ballots):
    client.force_login(world.resident)  # 赵阿姨's sign-in: a voter of the consultation
    assert client.get(_photo_url(ballots["doorstep"])).status_code == 403
    assert client.get(_photo_url(ballots["paper"])).status_code == 404  # another household's
    assert not _reveals().exists()


@pytest.mark.parametrize("role", ["outsider", "street_officer", "volunteer", "group_leader"])
def test_other_roles_get_404(client, world, ballots, role):
    client.force_login(getattr(world, role))
    for ballot in (ballots["paper"], ballots["doorstep"]):
        assert client.get(_photo_url(ballot)).status_code == 404, role
    assert client.get(_proxy_url(ballots["proxy"])).status_code == 404, role
    assert not _reveals().exists()


def test_anonymous_is_sent_to_sign_in(client, ballots):
    response = client.get(_photo_url(ballots["paper"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_get(client, world, ballots):
    client.force_login(world.staff)
    assert client.post(_photo_url(ballots["paper"])).status_code == 405
    assert not _reveals().exists()


def test_the_consultation_page_links_the_files_for_staff_only(client, world, ballots):
    c = ballots["consultation"]
    client.force_login(world.staff)
    page = client.get(reverse("consultation_detail", args=[c.pk])).content.decode()
    assert _photo_url(ballots["paper"]) in page and _photo_url(ballots["doorstep"]) in page
    assert _proxy_url(ballots["proxy"]) in page and _photo_url(ballots["proxy"]) not in page
    assert not _reveals().exists()  # listing is not looking
    client.force_login(world.building_leader)
    page = client.get(reverse("consultation_detail", args=[c.pk])).content.decode()
    assert "/ballots/" not in page


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", ("image/jpeg", "jpg")),
        (PNG[:16], ("image/png", "png")),
        (b"GIF89a\x01\x00", ("image/gif", "gif")),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ("image/webp", "webp")),
        (b"%PDF-1.7\n", ("application/pdf", "pdf")),
        (b"<svg onload=x>", ("application/octet-stream", "bin")),
        (b"", ("application/octet-stream", "bin")),
    ],
)
def test_content_type_comes_from_the_first_bytes(head, expected):
    assert sniff_content_type(head) == expected


def test_the_demo_ballots_photos_open(client, world):
    """The demo's paper ballots carry one real synthetic image (saved once), which the view serves."""
    image_module = pytest.importorskip("PIL.Image")  # Pillow is not a declared dependency
    demo_votes.build(world.community, today=dt.date(2026, 4, 1), seed=3)
    demo_votes.build(world.community, today=dt.date(2026, 4, 1), seed=4)  # a second build reuses the file
    ballots = list(Ballot.objects.filter(community=world.community))
    assert ballots and {b.photo.name for b in ballots} == {demo_votes.DEMO_PHOTO_NAME}
    client.force_login(world.staff)
    response = client.get(_photo_url(ballots[0]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = image_module.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == demo_votes.DEMO_PHOTO_SIZE


def test_the_plain_png_fallback_is_a_valid_image():
    image_module = pytest.importorskip("PIL.Image")
    image = image_module.open(io.BytesIO(plain_png(40, 30, (1, 2, 3))))
    image.load()
    assert image.size == (40, 30) and image.getpixel((39, 29)) == (1, 2, 3)


def test_the_admin_shows_ballots_but_never_changes_them_nor_links_their_files(client, world, ballots):
    ballot = ballots["paper"]
    client.force_login(world.superuser)
    change = reverse("admin:deliberation_ballot_change", args=[ballot.pk])
    page = client.get(change)
    assert page.status_code == 200
    body = page.content.decode()
    assert "/media/" not in body and ballot.photo.name not in body
    assert client.post(change, {"method": "online"}).status_code == 403
    assert client.get(reverse("admin:deliberation_ballot_add")).status_code == 403
    assert client.post(reverse("admin:deliberation_ballot_delete", args=[ballot.pk])).status_code == 403
    answer = ballot.answers.first()
    assert client.post(reverse("admin:deliberation_answer_delete", args=[answer.pk])).status_code == 403
    ballot.refresh_from_db()
    assert ballot.method == "paper" and ballot.answers.count() == 2
