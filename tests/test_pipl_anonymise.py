"""Anonymising a person who moved out (PIPL art. 47): name, ID number, phone, their hashes, notes, tags and
the free text of consents go — from the live rows and from the audit history — while the figures the
community is judged on (population, 60+ share, migrants, party members, turnover) stay exactly right."""

import contextlib
import datetime as dt
import json

import pytest
from cryptography.fernet import InvalidToken
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from linli.core.access import access_record
from linli.core.crypto import decrypt, keyed_hash
from linli.core.errors import DomainError
from linli.core.models import AccessAction, AccessLog
from linli.registry import selectors, services
from linli.registry.models import Consent, Owner, Ownership, PartyBranch, Resident, Tag
from linli.registry.pinyin import name_keys
from linli.registry.pipl import ConsentData, anonymised_name, consent_record, resident_anonymise
from tests.factories import FlatFactory, ResidentFactory, make_id_number

NAME = "欧阳离开"
BORN = dt.date(1955, 3, 9)  # 1 July 1955 after rounding: the same side of every age band in 2021 and 2025
ID_NUMBER = make_id_number(BORN, "M", seq=41)
PHONE = "13955550123"
OLD_PHONE = "13955550999"
MOVED_OUT = dt.date(2021, 8, 31)
TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def leaver(world):
    """欧阳离开: registered through the services (so the history is real), corrected once, a party member
    with a tag, notes and consents, named by name as a child's guardian, revealed once, then moved out."""
    branch = PartyBranch.objects.create(community=world.community, name="第二党支部")
    tag = Tag.objects.get_or_create(name="退役军人")[0]
    flat = FlatFactory(entrance=world.entrance_1, floor=3, number="301")
    data = services.ResidentData(
        name=NAME,
        gender="M",
        birth_date=BORN,
        id_number=ID_NUMBER,
        phone=OLD_PHONE,
        registration_type="migrant",
        moved_in=dt.date(2010, 5, 1),
        party_joined=dt.date(1980, 7, 1),
        party_branch_id=branch.pk,
        tag_ids=[tag.pk],
        notes=f"{NAME}的女儿住在宝山",
    )
    person = services.resident_create(actor=world.staff, flat=flat, data=data, today=TODAY)
    data.phone = PHONE
    services.resident_update(actor=world.staff, resident=person, data=data, today=TODAY)
    consent_record(
        actor=world.staff,
        resident=person,
        data=ConsentData(
            purpose="contact", given_on=dt.date(2020, 1, 2), purpose_detail=f"{NAME}本人同意电话联系"
        ),
        today=TODAY,
    )
    child = ResidentFactory(household=person.household, name="欧阳小童", birth_date=dt.date(2015, 2, 1))
    consent_record(
        actor=world.staff,
        resident=child,
        data=ConsentData(
            purpose="photo", given_on=dt.date(2020, 1, 2), guardian_name=NAME, guardian_relation="祖父"
        ),
        today=TODAY,
    )
    access_record(
        user=world.staff, action=AccessAction.REVEAL, obj=person, field="phone", reason=f"电话联系{NAME}"
    )
    services.resident_move_out(actor=world.staff, resident=person, on=MOVED_OUT, reason="moved", today=TODAY)
    services.resident_move_out(actor=world.staff, resident=child, on=MOVED_OUT, reason="moved", today=TODAY)
    person.refresh_from_db()
    return person


def database_text() -> str:
    """Every value of every table as text, with encrypted values decrypted and JSON unescaped: what
    someone holding a dump and the keys could read."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # (table names come from the database itself, quoted)
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if value is None:
                        continue
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", errors="replace")
                    text = str(value)
                    parts.append(text)
                    if text.startswith("gAAAAA"):
                        with contextlib.suppress(InvalidToken, ValueError):
                            parts.append(decrypt(text))
                    elif text[:1] in "[{":
                        with contextlib.suppress(ValueError):
                            parts.append(json.dumps(json.loads(text), ensure_ascii=False))
    return "\n".join(parts)


def traces(text: str) -> set[str]:
    secrets = {
        "name": NAME,
        "pinyin": name_keys(NAME)[0],
        "id": ID_NUMBER,
        "id hash": keyed_hash(ID_NUMBER),
        "phone": PHONE,
        "old phone": OLD_PHONE,
        "phone hash": keyed_hash(PHONE),
        "old phone hash": keyed_hash(OLD_PHONE),
        "birth date": BORN.isoformat(),
    }
    return {label for label, value in secrets.items() if value in text}


def test_the_dump_is_a_fair_test(world, leaver):
    # Before: every trace is there (decrypted), so their absence afterwards means something.
    assert traces(database_text()) == {
        "name",
        "pinyin",
        "id",
        "id hash",
        "phone",
        "old phone",
        "phone hash",
        "old phone hash",
        "birth date",
    }


def test_old_name_id_and_phone_appear_nowhere_in_the_database(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver)
    assert traces(database_text()) == set()


def test_what_is_kept_and_what_is_cleared(world, leaver):
    before = Resident.objects.get(pk=leaver.pk)
    resident_anonymise(actor=world.staff, resident=leaver)
    after = Resident.objects.get(pk=leaver.pk)
    assert after.name == anonymised_name(leaver.pk) and after.name.startswith("已匿名")
    assert (after.id_number, after.id_number_hash, after.phone, after.phone_hash, after.notes) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert after.birth_date == dt.date(1955, 7, 1) and after.anonymised_at is not None
    assert not after.tags.exists()
    kept = (
        "gender",
        "registration_type",
        "moved_in",
        "moved_out",
        "move_out_reason",
        "household_id",
        "community_id",
        "party_joined",
        "party_full_member",
        "party_branch_id",
        "relation",
        "id_type",
    )
    assert {f: getattr(after, f) for f in kept} == {f: getattr(before, f) for f in kept}
    own = Consent.objects.get(resident=leaver)
    assert (own.purpose, own.given_on, own.purpose_detail, own.note) == (
        "contact",
        dt.date(2020, 1, 2),
        "",
        "",
    )
    childs = Consent.objects.get(guardian_relation="祖父")
    assert childs.guardian_name == "" and childs.purpose == "photo"


def test_history_keeps_that_changes_happened_but_not_the_old_values(world, leaver):
    rows_before = leaver.history.count()
    resident_anonymise(actor=world.staff, resident=leaver)
    rows = list(Resident.history.filter(id=leaver.pk).order_by("history_date"))
    assert len(rows) == rows_before + 1
    assert [r.history_type for r in rows[:2]] == ["+", "~"]
    assert rows[-1].history_user == world.staff and rows[-1].history_change_reason == "anonymise"
    for row in rows:
        assert (row.name, row.id_number, row.phone, row.notes) == (anonymised_name(leaver.pk), "", "", "")
        assert row.birth_date == dt.date(1955, 7, 1)


def test_the_anonymisation_is_logged(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver)
    entry = AccessLog.objects.get(action=AccessAction.ANONYMISE)
    assert (entry.user, entry.object_type, entry.object_id, entry.community) == (
        world.staff,
        "registry.resident",
        leaver.pk,
        world.community,
    )
    # the earlier reveal is still on record, without the name its reason carried
    reveal = AccessLog.objects.get(action=AccessAction.REVEAL)
    assert reveal.reason == f"电话联系{anonymised_name(leaver.pk)}" and reveal.field == "phone"


def figures(world) -> dict:
    profile = selectors.community_profile(world.community, today=TODAY)
    street = selectors.street_overview(world.street.pk, today=TODAY)
    turnover = Resident.objects.filter(community=world.community, moved_out__year=2021).aggregate(
        moved_out=Count("id"),
        migrants=Count("id", filter=Q(registration_type="migrant")),
        party=Count("id", filter=Q(party_joined__isnull=False)),
        men=Count("id", filter=Q(gender="M")),
        sixty_plus_then=Count("id", filter=Q(birth_date__lte=dt.date(1961, 8, 31))),
        born_1950s=Count("id", filter=Q(birth_date__year__range=(1950, 1959))),
    )
    return {"profile": profile, "street": street, "turnover": turnover}


def test_figures_are_the_same_before_and_after(world, leaver):
    before = figures(world)
    assert before["turnover"]["moved_out"] == 2 and before["turnover"]["sixty_plus_then"] == 1
    resident_anonymise(actor=world.staff, resident=leaver)
    assert figures(world) == before


def test_a_current_resident_cannot_be_anonymised(world, client):
    with pytest.raises(DomainError) as error:
        resident_anonymise(actor=world.staff, resident=world.zhao)
    assert "只能对已迁出的居民" in error.value.message
    client.force_login(world.staff)
    response = client.post(reverse("resident_anonymise", args=[world.zhao.pk]), {"confirm": "on"})
    assert response.status_code == 200
    world.zhao.refresh_from_db()
    assert world.zhao.name == "赵阿姨" and world.zhao.anonymised_at is None and world.zhao.id_number
    assert not AccessLog.objects.filter(action=AccessAction.ANONYMISE).exists()


def test_a_second_anonymisation_changes_nothing(world, leaver):
    first = resident_anonymise(actor=world.staff, resident=leaver)
    history = Resident.history.filter(id=leaver.pk).count()
    second = resident_anonymise(actor=world.staff, resident=leaver)
    assert (second.name, second.anonymised_at) == (first.name, first.anonymised_at)
    assert Resident.history.filter(id=leaver.pk).count() == history
    assert AccessLog.objects.filter(action=AccessAction.ANONYMISE).count() == 1


def test_the_token_comes_from_the_record_not_the_name(world):
    twins = [ResidentFactory(household=world.sun.household, name="同名同姓") for _ in range(2)]
    names = {anonymised_name(t.pk) for t in twins}
    assert len(names) == 2 and all("同名" not in n for n in names)
    assert anonymised_name(twins[0].pk) == anonymised_name(twins[0].pk)


def test_ownerships_stay_on_the_title_but_no_longer_point_at_the_person(world, leaver):
    owner = Owner.objects.create(community=world.community, name="欧阳产权", resident=leaver)
    Ownership.objects.create(community=world.community, owner=owner, flat=leaver.household.flat)
    resident_anonymise(actor=world.staff, resident=leaver)
    owner.refresh_from_db()
    assert owner.resident is None and owner.ownerships.count() == 1
    assert not Owner.history.filter(resident_id=leaver.pk).exists()


def test_only_staff_of_the_community_anonymise(world, client, leaver):
    with pytest.raises(DomainError):
        resident_anonymise(actor=world.building_leader, resident=leaver)
    client.force_login(world.building_leader)
    assert client.post(reverse("resident_anonymise", args=[leaver.pk]), {"confirm": "on"}).status_code == 403
    leaver.refresh_from_db()
    assert leaver.name == NAME


def test_page_asks_for_confirmation_then_anonymises(world, client, leaver):
    client.force_login(world.staff)
    detail = client.get(reverse("resident_detail", args=[leaver.pk])).content.decode()
    url = reverse("resident_anonymise", args=[leaver.pk])
    assert url in detail
    assert url not in client.get(reverse("resident_detail", args=[world.zhao.pk])).content.decode()
    assert client.post(url, {}).status_code == 200  # no confirmation: nothing happens
    assert Resident.objects.get(pk=leaver.pk).anonymised_at is None
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    page = client.get(reverse("resident_detail", args=[leaver.pk])).content.decode()
    assert NAME not in page and anonymised_name(leaver.pk) in page
    assert "已完成匿名化" in page and "此居民的个人信息已于" in page
    assert url not in page
