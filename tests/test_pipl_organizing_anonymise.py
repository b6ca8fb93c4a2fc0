"""Anonymising a moved-out person reaches the organizing app and the inbox: the copies of their personal
data (an in-service record's name, phone and work unit, a volunteer's name copy and note, service-record
notes, the talent description) go from the live rows and from the history; the posts they held end; the
reminders that named them to others name the anonymised record — while hour totals per group and month,
volunteer and member counts stay exactly as they were."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.jobs.models import JobRunNote
from linli.jobs.services import job_enqueue
from linli.notifications.digests import digests_send
from linli.notifications.models import Digest, Kind, Notification
from linli.organizing.models import (
    BuildingGroup,
    Group,
    GroupMember,
    IdentityPost,
    InServiceMember,
    LiftTrioMember,
    ServiceRecord,
    Talent,
    TalentSkill,
    Volunteer,
)
from linli.organizing.selectors_groups import group_rows
from linli.organizing.selectors_volunteers import hour_totals
from linli.organizing.services_groups import BuildingGroupData, building_group_update
from linli.registry import services
from linli.registry.pipl import anonymised_name, resident_anonymise, residents_anonymise_expired
from tests.notifications_fixtures import duty_for, volunteer_for
from tests.test_pipl_anonymise import database_text
from tests.test_pipl_organizing_data import (
    NAME,
    OLD_TALENT,
    PHONE,
    RECORD_NOTE,
    SERVICES,
    TALENT,
    VOLUNTEER_NOTE,
    WORK_UNIT,
    at,
    organised_person,
)

MOVED_OUT = dt.date(2025, 5, 25)
TODAY = dt.date(2025, 6, 1)
JOB = "notifications.duty_reminders"


@pytest.fixture
def leaver(world, django_capture_on_commit_callbacks):
    """欧阳热心 with everything (tests/test_pipl_organizing_data.py); 周阿婆 volunteers in the same groups;
    the reminder job told the 暖心组's leader about his duty, then — after he moved out — that a duty
    could not be reminded (and wrote so in its run record); the leader's daily digest gathered both."""
    o = organised_person(world)
    zhou = volunteer_for(world, resident=world.zhou)
    for day, hours, group in ((dt.date(2025, 3, 11), "3", world.group), (dt.date(2025, 4, 2), "2", o.chuxin)):
        ServiceRecord.objects.create(
            community=world.community,
            volunteer=zhou,
            date=day,
            hours=Decimal(hours),
            activity="陪老人散步",
            group=group,
            confirmed_by=world.staff,
            confirmed_at=at(day, 20),
        )
    duty_for(o.volunteer, starts_at=at(dt.date(2025, 5, 20), 9), group=world.group)
    run_reminders(django_capture_on_commit_callbacks, at(dt.date(2025, 5, 19), 14))
    services.resident_move_out(
        actor=world.staff, resident=o.person, on=MOVED_OUT, reason="moved", today=TODAY
    )
    duty_for(o.volunteer, starts_at=at(dt.date(2025, 5, 26), 10), group=world.group)
    run_reminders(django_capture_on_commit_callbacks, at(dt.date(2025, 5, 26), 8))
    # (notifications are stamped with the real time, not the test's dates)
    digests_send(slot=timezone.now() + dt.timedelta(minutes=1))
    o.person.refresh_from_db()
    return o


def run_reminders(capture, moment):
    with capture(execute=True):
        job_enqueue(JOB, key=f"{JOB}@{moment.isoformat()}", slot=moment.isoformat())


SECRETS = {
    "name": NAME,
    "phone": PHONE,
    "phone hash": keyed_hash(PHONE),
    "work unit": WORK_UNIT,
    "services": SERVICES,
    "volunteer note": VOLUNTEER_NOTE,
    "record note": RECORD_NOTE,
    "talent": TALENT,
    "old talent": OLD_TALENT,
}


def traces(text: str) -> set[str]:
    return {label for label, value in SECRETS.items() if value in text}


def test_the_dump_is_a_fair_test(world, leaver):
    assert traces(database_text()) == set(SECRETS)
    # and the name really is in what the reminders wrote for others
    assert Notification.objects.filter(recipient=world.group_leader, title__contains=NAME).count() == 2
    assert Digest.objects.filter(body__contains=NAME).exists()
    assert JobRunNote.objects.filter(message__contains=NAME).exists()


def test_the_phone_and_the_rest_appear_nowhere_in_the_database_afterwards(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver.person)
    assert traces(database_text()) == set()


def test_copies_are_scrubbed_in_the_live_rows_and_the_history(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver.person)
    new_name = anonymised_name(leaver.person.pk)
    member = InServiceMember.objects.get(pk=leaver.member.pk)
    assert (member.name, member.phone, member.phone_hash, member.work_unit, member.services) == (
        new_name,
        "",
        "",
        "",
        "",
    )
    assert (member.registered_on, member.branch, member.group, member.resident_id) == (
        dt.date(2024, 5, 1),
        leaver.branch,
        leaver.chuxin,
        leaver.person.pk,
    )
    rows = list(InServiceMember.history.filter(id=member.pk).order_by("history_date", "history_id"))
    assert len(rows) == 2 and rows[-1].history_type == "~"
    assert (rows[-1].history_user, rows[-1].history_change_reason) == (world.staff, "anonymise")
    for row in rows:
        assert (row.name, row.phone, row.phone_hash, row.work_unit, row.services) == (
            new_name,
            "",
            "",
            "",
            "",
        )

    volunteer = Volunteer.objects.get(pk=leaver.volunteer.pk)
    assert (volunteer.name, volunteer.phone, volunteer.note) == ("", "", "")
    assert volunteer.display_name == new_name
    assert (volunteer.availability, volunteer.registered_on, volunteer.left_on) == (
        leaver.volunteer.availability,
        dt.date(2024, 1, 1),
        None,
    )
    assert not Volunteer.history.filter(id=volunteer.pk).filter(Q(name=NAME) | ~Q(note="")).exists()

    records = ServiceRecord.objects.filter(volunteer=volunteer).order_by("date")
    assert [(r.note, r.activity, r.hours) for r in records] == [
        ("", "陪独居老人聊天", Decimal("2.5")),
        ("", "楼道清扫", Decimal("1")),
        ("", "整理图书角", Decimal("1.5")),
    ]
    assert not ServiceRecord.history.filter(volunteer_id=volunteer.pk).exclude(note="").exists()
    # one history entry for the one record that had a note
    assert ServiceRecord.history.filter(history_change_reason="anonymise").count() == 1

    talent = Talent.objects.get(pk=leaver.talent.pk)
    assert talent.description == "" and talent.willingness == "regular"
    assert set(TalentSkill.objects.filter(talent=talent).values_list("category", flat=True)) == {
        "repair",
        "digital",
    }
    assert not Talent.history.filter(id=talent.pk).exclude(description="").exists()


def test_the_posts_end_and_the_memberships_stay(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver.person)
    chuxin = Group.objects.get(pk=leaver.chuxin.pk)
    assert chuxin.leader is None and chuxin.deputy is None
    last = Group.history.filter(id=chuxin.pk).order_by("-history_id").first()
    assert (last.leader_id, last.history_user, last.history_change_reason) == (None, world.staff, "anonymise")
    building_group = BuildingGroup.objects.get(pk=world.building_group.pk)
    assert (building_group.leader, building_group.deputy) == (world.sun, None)  # 孙奶奶 still leads
    assert Group.objects.get(pk=world.group.pk).leader == world.li
    assert not LiftTrioMember.objects.filter(resident=leaver.person).exists()
    freed = LiftTrioMember.history.get(resident_id=leaver.person.pk, history_type="-")
    assert (freed.history_user, freed.history_change_reason) == (world.staff, "anonymise")
    posts = IdentityPost.objects.filter(Q(resident=leaver.person) | Q(in_service=leaver.member))
    assert sorted((p.post, p.ended_on) for p in posts) == [
        ("义诊岗", MOVED_OUT),
        ("楼道堆物巡查岗", MOVED_OUT),
    ]
    # Facts the figures count are not rewritten: the membership and the volunteer record stay open.
    assert GroupMember.objects.get(group=chuxin, resident=leaver.person).left_on is None
    assert Volunteer.objects.get(pk=leaver.volunteer.pk).left_on is None


def test_pages_show_the_anonymised_record_not_the_name(world, client, leaver):
    client.force_login(world.staff)
    c = world.community.pk
    urls = [
        reverse("group_detail", args=[leaver.chuxin.pk]),
        reverse("group_list", args=[c]),
        reverse("building_group_detail", args=[world.building_group.pk]),
        reverse("volunteer_detail", args=[leaver.volunteer.pk]),
        reverse("volunteer_list", args=[c]),
        reverse("service_totals", args=[c]) + "?year=2025",
        reverse("party_in_service_list", args=[c]),
    ]
    before = {url: client.get(url).content.decode() for url in urls}
    assert all(NAME in page for page in before.values()), [u for u, p in before.items() if NAME not in p]
    resident_anonymise(actor=world.staff, resident=leaver.person)
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        assert NAME not in page.content.decode(), url


def test_the_building_group_can_be_saved_again(world, leaver):
    """With a moved-out deputy and trio member the building group's own form would refuse every save."""
    bg = world.building_group
    same = BuildingGroupData(
        name=bg.name, leader_id=world.sun.pk, deputy_id=leaver.person.pk, trio_ids=[leaver.person.pk]
    )
    with pytest.raises(DomainError):
        building_group_update(actor=world.building_leader, building_group=bg, data=same)
    resident_anonymise(actor=world.staff, resident=leaver.person)
    bg.refresh_from_db()
    data = BuildingGroupData(name="和美楼", leader_id=bg.leader_id, deputy_id=bg.deputy_id, trio_ids=[])
    building_group_update(actor=world.building_leader, building_group=bg, data=data)
    assert BuildingGroup.objects.get(pk=bg.pk).name == "和美楼"


def figures(world) -> dict:
    totals = hour_totals(world.staff, world.community, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    volunteers = Volunteer.objects.filter(community=world.community).aggregate(
        all=Count("id", distinct=True),
        current=Count("id", filter=Q(left_on__isnull=True), distinct=True),
        minors=Count("id", filter=Q(is_minor=True), distinct=True),
        with_hours=Count("id", filter=Q(service_records__confirmed_at__isnull=False), distinct=True),
    )
    return {
        "total": (totals.total, totals.records),
        "by_group": [(line.key, line.label, line.hours, line.records) for line in totals.by_group],
        "by_month": [(line.key, line.hours, line.records) for line in totals.by_month],
        "volunteers": volunteers,
        "members": [(g.pk, g.member_count) for g in group_rows(world.staff, world.community)],
        "skills": list(
            TalentSkill.objects.filter(community=world.community)
            .values("category")
            .annotate(n=Count("id"))
            .order_by("category")
        ),
        "in_service": InServiceMember.objects.filter(community=world.community, left_on__isnull=True).count(),
    }


def test_hour_totals_and_counts_are_the_same_before_and_after(world, leaver):
    before = figures(world)
    assert before["total"] == (Decimal("8.5"), 4)
    assert [(label, hours) for _key, label, hours, _n in before["by_group"]] == [
        ("暖心组", Decimal("5.5")),
        ("初心组", Decimal("3")),
    ]
    assert before["volunteers"] == {"all": 2, "current": 2, "minors": 0, "with_hours": 2}
    resident_anonymise(actor=world.staff, resident=leaver.person)
    assert figures(world) == before


def test_reminders_to_others_name_the_anonymised_record(world, leaver):
    resident_anonymise(actor=world.staff, resident=leaver.person)
    new_name = anonymised_name(leaver.person.pk)
    told = Notification.objects.filter(recipient=world.group_leader).order_by("created_at")
    assert [n.kind for n in told] == [Kind.DUTY_UPCOMING, Kind.DUTY_UNREMINDED]
    assert all(n.title.startswith(new_name) for n in told)
    assert new_name in Digest.objects.get(recipient=world.group_leader).body
    assert JobRunNote.objects.filter(message__contains=new_name).count() == 1
    # the person's own reminder is kept in their inbox
    assert Notification.objects.filter(recipient=leaver.user, kind=Kind.DUTY_REMINDER).count() == 2


def test_other_people_keep_their_data(world, leaver):
    other = InServiceMember.objects.create(
        community=world.community,
        name="钱在职",
        phone="13955559876",
        phone_hash=keyed_hash("13955559876"),
        work_unit="某某设计院",
        registered_on=dt.date(2024, 1, 1),
    )
    zhou = Volunteer.objects.get(resident=world.zhou)
    zhou.note = "周阿婆自己的备注"
    zhou.save()
    resident_anonymise(actor=world.staff, resident=leaver.person)
    other.refresh_from_db()
    assert (other.name, other.phone, other.work_unit) == ("钱在职", "13955559876", "某某设计院")
    assert Volunteer.objects.get(pk=zhou.pk).note == "周阿婆自己的备注"


def test_the_retention_job_does_the_same_without_an_actor(world, leaver, settings):
    settings.LINLI_RETENTION_DAYS = 30
    assert residents_anonymise_expired(today=TODAY + dt.timedelta(days=60)) == 1
    member = InServiceMember.objects.get(pk=leaver.member.pk)
    assert (member.name, member.phone) == (anonymised_name(leaver.person.pk), "")
    last = InServiceMember.history.filter(id=member.pk).order_by("-history_id").first()
    assert (last.history_user, last.history_change_reason) == (None, "anonymise")
    assert Group.objects.get(pk=leaver.chuxin.pk).leader is None
    assert traces(database_text()) == set()
