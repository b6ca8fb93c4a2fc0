"""The talent registry (能人达人): skills from the category list plus free text, machine-readable
availability, willingness; kept by whoever keeps the resident's record; searched by skill and building
within the scope; shown on the resident page."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.organizing.models import Talent, TalentSkill
from linli.organizing.models.volunteers import (
    SLOTS,
    WEEKEND_SLOTS,
    availability_label,
    availability_mask,
    availability_slots,
    is_available,
)
from linli.organizing.selectors_volunteers import TalentFilters, talent_search
from linli.organizing.services_volunteers import TalentData, talent_save
from tests.test_volunteer_world import build_vworld


@pytest.fixture
def vworld(world):
    return build_vworld(world)


def save(vworld, resident, actor=None, **fields):
    return talent_save(actor=actor or vworld.world.staff, resident=resident, data=TalentData(**fields))


# ── Availability ───────────────────────────────────────────────────────────────────────────────


@given(st.sets(st.sampled_from(SLOTS)))
def test_availability_round_trips(slots):
    assert set(availability_slots(availability_mask(slots))) == slots


def test_availability_answers_for_a_moment():
    mask = availability_mask(["sat_morning", "wed_evening"])
    saturday_9 = timezone.make_aware(dt.datetime(2025, 6, 7, 9, 30))
    wednesday_19 = timezone.make_aware(dt.datetime(2025, 6, 4, 19, 0))
    wednesday_9 = timezone.make_aware(dt.datetime(2025, 6, 4, 9, 0))
    night = timezone.make_aware(dt.datetime(2025, 6, 7, 23, 0))
    assert is_available(mask, saturday_9) and is_available(mask, wednesday_19)
    assert not is_available(mask, wednesday_9) and not is_available(mask, night)
    assert availability_label(availability_mask(WEEKEND_SLOTS)) == "周六全天、周日全天"
    with pytest.raises(ValueError):
        availability_mask(["someday"])


# ── Keeping and finding talents ────────────────────────────────────────────────────────────────


def test_staff_record_skills_with_free_text_and_replace_them(vworld):
    talent = save(
        vworld,
        vworld.world.zhao,
        skills=["repair", "cooking"],
        description="退休电工，会修水管",
        availability=["sat_morning"],
        willingness="regular",
    )
    assert set(talent.skills.values_list("category", flat=True)) == {"repair", "cooking"}
    save(vworld, vworld.world.zhao, skills=["repair", "digital"], willingness="on_call")
    assert set(TalentSkill.objects.filter(talent=talent).values_list("category", flat=True)) == {
        "repair",
        "digital",
    }
    assert Talent.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({}, "skills", "请至少选择一项特长"),
        ({"skills": ["other"]}, "description", "写明是什么特长"),
        ({"skills": ["flying"]}, "skills", "不认识的特长类别"),
        ({"skills": ["repair"], "willingness": "maybe"}, "willingness", "请选择服务意愿"),
        ({"skills": ["repair"], "availability": ["noon"]}, "availability", "不认识的时段"),
    ],
)
def test_bad_talent_input_is_refused(vworld, fields, field, text):
    fields.setdefault("willingness", "on_call")
    with pytest.raises(DomainError) as caught:
        save(vworld, vworld.world.zhao, **fields)
    assert text in caught.value.errors[field][0]
    assert not Talent.objects.exists()


def test_who_may_keep_talents(vworld, client):
    save(
        vworld, vworld.world.zhao, actor=vworld.world.building_leader, skills=["arts"], willingness="on_call"
    )
    for role, resident in (("building_leader", vworld.world.li), ("group_leader", vworld.world.li)):
        client.force_login(getattr(vworld.world, role))
        response = client.post(
            f"/residents/{resident.pk}/talent/", {"skills": ["arts"], "willingness": "on_call"}
        )
        assert response.status_code in (403, 404), role
    assert Talent.objects.count() == 1


def test_search_by_skill_and_building_within_the_scope(vworld):
    save(vworld, vworld.world.zhao, skills=["repair"], willingness="regular")  # building 1
    save(vworld, vworld.feng, skills=["repair", "medical"], willingness="on_call")  # building 2, 暖心组
    save(vworld, vworld.world.zhou, skills=["medical"], willingness="not_now")  # building 2
    community = vworld.world.community

    def names(user, **filters):
        return {t.resident.name for t in talent_search(user, community, TalentFilters(**filters))}

    staff = vworld.world.staff
    assert names(staff, skill="repair") == {"赵阿姨", "冯小红"}
    assert names(staff, skill="medical", building=vworld.world.building_2.pk) == {"冯小红", "周阿婆"}
    assert names(staff, skill="medical", willing_only=True) == {"冯小红"}
    assert names(staff, q="feng") == {"冯小红"}
    assert names(vworld.world.building_leader, skill="repair") == {"赵阿姨"}
    assert names(vworld.world.group_leader, skill="repair") == {"冯小红"}
    assert names(vworld.world.resident) == {"赵阿姨"}  # their own household only
    type(vworld.world.zhao).objects.filter(pk=vworld.world.zhao.pk).update(moved_out=dt.date(2025, 1, 1))
    assert names(staff, skill="repair") == {"冯小红"}  # current residents only


def test_the_talent_page_searches(vworld, client):
    save(vworld, vworld.feng, skills=["haircut"], description="会理发，可上门", willingness="regular")
    client.force_login(vworld.world.group_leader)
    body = client.get(f"/c/{vworld.world.community.pk}/talents/", {"skill": "haircut"}).content.decode()
    assert "冯小红" in body and "理发" in body and "可上门" in body
    body = client.get(f"/c/{vworld.world.community.pk}/talents/", {"skill": "legal"}).content.decode()
    assert "冯小红" not in body


def test_the_resident_page_shows_talents_and_volunteer_hours(vworld, client):
    save(vworld, vworld.feng, skills=["repair"], description="会修自行车", willingness="regular")
    vworld.record(vworld.v_feng, timezone.localdate(), "2.5")
    client.force_login(vworld.world.staff)
    page = client.get(f"/residents/{vworld.feng.pk}/").content.decode()
    assert f"/residents/{vworld.feng.pk}/volunteering/" in page  # loaded by htmx
    fragment = client.get(
        f"/residents/{vworld.feng.pk}/volunteering/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "维修水电" in fragment and "会修自行车" in fragment and "2.5 小时" in fragment
    # The building leader of building 1 cannot open 冯小红 (building 2) at all.
    client.force_login(vworld.world.building_leader)
    assert client.get(f"/residents/{vworld.feng.pk}/volunteering/").status_code == 404


def test_the_api_saves_and_searches_talents(vworld, client):
    client.force_login(vworld.world.staff)
    url = f"/api/v1/residents/{vworld.feng.pk}/talent"
    assert client.get(url).status_code == 404
    response = client.put(
        url, {"skills": ["other"], "willingness": "on_call"}, content_type="application/json"
    )
    assert response.status_code == 422 and "description" in response.json()["errors"]
    response = client.put(
        url,
        {
            "skills": ["legal"],
            "description": "退休律师",
            "availability": ["tue_afternoon"],
            "willingness": "regular",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["skill_labels"] == ["法律咨询"] and response.json()["availability"] == [
        "tue_afternoon"
    ]
    found = client.get(f"/api/v1/communities/{vworld.world.community.pk}/talents", {"skill": "legal"}).json()
    assert [t["name"] for t in found["items"]] == ["冯小红"]
    categories = client.get("/api/v1/skill-categories").json()
    assert {"code": "repair", "label": "维修水电"} in categories
