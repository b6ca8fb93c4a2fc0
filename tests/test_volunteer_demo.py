"""The demo's volunteering: volunteers from the groups and beyond, a few from outside with encrypted
phones, two 小先生 with their guardian's consent, a year of hours that never passes 24 a day, upcoming
duties for the 暖心组 and for the `zhiyuan` login, talents; the 暖心组 leader sees their members' hours."""

import pytest
from django.db import connection, transaction
from django.db.models import F, Sum

from linli.core.models import User
from linli.organizing.models import Duty, GroupMember, ServiceRecord, Talent, Volunteer, VolunteerSettings
from linli.organizing.selectors_volunteers import my_duties, own_volunteers
from linli.registry import demo


@pytest.fixture(scope="class")
def wannan(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo.build(preset="wannan", seed=7)
        yield result.communities[0].community
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestVolunteerDemo:
    def test_volunteers_of_every_kind(self, wannan):
        volunteers = Volunteer.objects.filter(community=wannan)
        assert 60 <= volunteers.count() <= 200
        outsiders = volunteers.filter(resident__isnull=True)
        assert outsiders.count() >= 3 and all(v.name and v.phone for v in outsiders)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM organizing_volunteer WHERE resident_id IS NULL")
            assert all(not row[0].isdigit() for row in cursor.fetchall())  # stored encrypted
        children = volunteers.filter(is_minor=True).select_related("guardian_consent", "resident")
        assert children.count() == 2
        for child in children:
            consent = child.guardian_consent
            assert (
                consent.resident_id == child.resident_id and consent.guardian_id and not consent.withdrawn_on
            )
            assert child.resident.age() < 18
        warm = GroupMember.objects.filter(
            group__community=wannan,
            group__name="暖心组",
            left_on__isnull=True,
            resident__moved_out__isnull=True,
        ).values_list("resident_id", flat=True)
        assert set(warm) <= set(volunteers.values_list("resident_id", flat=True))

    def test_a_year_of_hours_within_the_daily_limit(self, wannan):
        records = ServiceRecord.objects.filter(community=wannan)
        assert records.count() > 500
        busiest = (
            records.values("volunteer_id", "date").annotate(hours=Sum("hours")).order_by("-hours").first()
        )
        assert busiest["hours"] <= 24
        assert (
            records.filter(confirmed_at__isnull=True).exists()
            and records.filter(confirmed_at__isnull=False).exists()
        )
        assert not records.filter(volunteer__left_on__isnull=False, date__gt=F("volunteer__left_on")).exists()
        assert VolunteerSettings.objects.get(community=wannan).show_leaderboard

    def test_the_volunteer_login_has_upcoming_duties_and_hours(self, wannan):
        zhiyuan = User.objects.get(username="zhiyuan")
        own = own_volunteers(zhiyuan)
        assert len(own) == 1 and own[0].community_id == wannan.pk
        assert my_duties(zhiyuan).count() >= 2
        assert own[0].service_records.exists()

    def test_the_warm_hearts_leader_sees_members_hours_and_has_duties(self, wannan, client):
        nuanxin = User.objects.get(username="nuanxin")
        assert Volunteer.objects.filter(community=wannan, user=nuanxin).exists()  # reminders reach the leader
        assert Duty.objects.filter(community=wannan, group__name="暖心组").count() >= 9
        client.force_login(nuanxin)
        body = client.get(f"/c/{wannan.pk}/volunteer-hours/").content.decode()
        assert "暖心组" in body and "小时" in body
        listed = client.get(f"/api/v1/communities/{wannan.pk}/volunteers").json()
        assert listed["count"] >= 5 and all(item["hours"] is not None for item in listed["items"])

    def test_talents(self, wannan):
        talents = Talent.objects.filter(community=wannan)
        assert talents.count() >= 50
        assert all(t.skills.exists() and t.description for t in talents[:20])
