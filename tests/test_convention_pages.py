"""The staff pages of conventions and notices, and the API, as each role: staff do everything, a
building leader works on their own building, residents and outsiders get 404 on staff pages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from linli.deliberation.models import Convention, ConventionSignature, Notice, Objection
from linli.deliberation.services_conventions import convention_adopt, convention_create, version_add
from linli.deliberation.services_notices import notice_create, objection_file


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _draft(world, buildings=None):
    convention = convention_create(
        actor=world.staff,
        community=world.community,
        title="1号楼楼组公约",
        text="一、爱护公物。二、邻里和睦。",
        buildings=[world.building_1] if buildings is None else buildings,
    )
    version_add(actor=world.staff, convention=convention, text="一、爱护公物。二、邻里和睦。三、垃圾分类。")
    return convention


def test_staff_drafts_compares_adopts_records_and_prints(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("convention_create", args=[world.community.pk]),
        {"title": "居民公约", "text": "一、爱护家园。", "buildings": []},
    )
    convention = Convention.objects.get(title="居民公约")
    assert response.status_code == 302
    response = client.post(
        reverse("convention_version_add", args=[convention.pk]),
        {"text": "一、爱护家园。二、文明养犬。", "note": "采纳建议"},
    )
    assert response.status_code == 302
    body = client.get(reverse("convention_diff", args=[convention.pk])).content.decode()
    assert '<ins class="diff-ins">二、文明养犬。</ins>' in body
    v2 = convention.versions.get(number=2)
    response = client.post(
        reverse("convention_adopt", args=[convention.pk]),
        {"version": v2.pk, "adopted_on": "2026-01-05", "resolution": "居民会议决议"},
    )
    assert response.status_code == 302
    body = client.get(reverse("convention_signatures", args=[convention.pk])).content.decode()
    assert "已签署 0 户，共 4 户" in body
    response = client.post(
        reverse("convention_signatures", args=[convention.pk]), {"household": world.li.household.pk}
    )
    assert response.status_code == 302
    assert ConventionSignature.objects.filter(convention=convention, method="staff").count() == 1
    body = client.get(reverse("convention_print", args=[convention.pk])).content.decode()
    assert "@page { size: A4" in body and "text-indent: 2em" in body and "文明养犬" in body


def test_same_text_again_is_refused_with_a_message(world, client):
    convention = _draft(world)
    client.force_login(world.staff)
    response = client.post(
        reverse("convention_version_add", args=[convention.pk]), {"text": convention.versions.last().text}
    )
    assert response.status_code == 200
    assert "正文与上一稿相同" in response.content.decode()
    assert convention.versions.count() == 2


def test_building_leader_works_on_own_building_only(world, client):
    own = _draft(world)
    other = _draft(world, buildings=[world.building_2])
    client.force_login(world.building_leader)
    assert client.get(reverse("convention_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("convention_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("convention_version_add", args=[own.pk])).status_code == 200
    assert client.get(reverse("convention_adopt", args=[own.pk])).status_code == 403
    response = client.post(
        reverse("convention_create", args=[world.community.pk]),
        {"title": "全村公约", "text": "一。", "buildings": []},
    )
    assert "楼组长只能为自己负责的楼栋起草公约" in response.content.decode()


@pytest.mark.parametrize("role", ["resident", "volunteer", "group_leader", "outsider", "street_officer"])
def test_staff_pages_are_closed_to_other_roles(world, client, role):
    convention = _draft(world)
    client.force_login(getattr(world, role))
    assert client.get(reverse("convention_detail", args=[convention.pk])).status_code == 404
    assert client.get(reverse("convention_list", args=[world.community.pk])).status_code in (403, 404)


def test_notice_pages_publish_with_attachment_and_answer(world, client):
    client.force_login(world.staff)
    now = timezone.localtime()
    response = client.post(
        reverse("notice_create", args=[world.community.pk]),
        {
            "title": "加梯方案公示",
            "text": "方案见附件。",
            "starts_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "files": [SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test")],
        },
    )
    assert response.status_code == 302, response.content.decode()
    notice = Notice.objects.get(title="加梯方案公示")
    attachment = notice.attachments.get()
    objection = objection_file(actor=world.resident, notice=notice, text="希望延长公示期。")
    body = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "希望延长公示期" in body and "方案.pdf" in body
    client.post(reverse("notice_objection_answer", args=[objection.pk]), {"answer": "已延长。"})
    assert Objection.objects.get(pk=objection.pk).answer == "已延长。"
    client.force_login(world.resident)
    assert client.get(reverse("notice_attachment", args=[attachment.pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("notice_attachment", args=[attachment.pk])).status_code == 404


def test_notice_with_a_wrong_file_shows_the_message(world, client):
    client.force_login(world.staff)
    now = timezone.localtime()
    response = client.post(
        reverse("notice_create", args=[world.community.pk]),
        {
            "title": "公示",
            "text": "内容",
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "files": [SimpleUploadedFile("病毒.exe", b"MZ")],
        },
    )
    assert response.status_code == 200
    assert "附件只能是 PDF、JPG 或 PNG 文件" in response.content.decode()
    assert not Notice.objects.exists()


def test_api_sign_diff_and_late_objection(world, client):
    convention = _draft(world)
    versions = list(convention.versions.all())
    convention_adopt(
        actor=world.staff,
        convention=convention,
        version=versions[-1],
        adopted_on=dt.date(2026, 1, 5),
        resolution="决议",
    )
    client.force_login(world.resident)
    response = client.get(
        f"/api/v1/conventions/{convention.pk}/diff?old={versions[0].pk}&new={versions[1].pk}"
    )
    assert response.status_code == 200 and "<ins" in response.json()["html"]
    url = f"/api/v1/conventions/{convention.pk}/signatures"
    body = {"household_id": world.own_household.pk, "method": "online"}
    assert client.post(url, body, content_type="application/json").status_code == 201
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 422 and "已经签署" in again.json()["detail"]
    now = timezone.now()
    ended = notice_create(
        actor=world.staff,
        community=world.community,
        title="已结束的公示",
        text="内容",
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=3),
    )
    response = client.post(
        f"/api/v1/notices/{ended.pk}/objections", {"text": "晚了"}, content_type="application/json"
    )
    assert response.status_code == 422 and "不能再提出异议" in response.json()["detail"]
    assert client.post(f"/api/v1/notices/{ended.pk}/read").status_code == 200
    assert [n["id"] for n in client.get("/api/v1/me/notices").json()] == [ended.pk]
