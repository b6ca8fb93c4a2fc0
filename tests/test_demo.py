"""The demo generator: 宛南六村 has the published shape, its synthetic data passes the registry's own
checks, every demo account signs in and sees what its role should, and `linli demo --if-empty` builds
once. Built once per class (a few seconds on SQLite) and rolled back afterwards."""

import datetime as dt
import itertools
import random
from collections import Counter, defaultdict
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from linli.core.crypto import keyed_hash
from linli.core.identity import check_id_number, check_mobile
from linli.core.models import Community, Membership, Role, User
from linli.core.scope import scope_for
from linli.organizing.models import BuildingGroup, Group, GroupMember, LiftTrioMember
from linli.organizing.services_groups import periods_overlap
from linli.registry import demo
from linli.registry.models import (
    Building,
    Entrance,
    Flat,
    Household,
    IdType,
    Owner,
    Ownership,
    PartyBranch,
    RegistrationType,
    Relation,
    Resident,
    Tag,
    Tenure,
    age_on,
)
from linli.registry.pinyin import name_keys

TODAY = dt.date.today()


@pytest.fixture(scope="class")
def wannan(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo.build(preset="wannan", seed=7)
        yield result.communities[0].community
        transaction.set_rollback(True)


def current(community):
    return Resident.objects.filter(community=community, moved_out__isnull=True)


@pytest.mark.django_db
class TestWannan:
    def test_buildings_are_five_or_six_floor_walkups_with_small_flats(self, wannan):
        buildings = Building.objects.filter(community=wannan)
        assert buildings.count() == 43
        assert set(buildings.values_list("floors", flat=True)) <= {5, 6}
        entrances = Counter(Entrance.objects.filter(community=wannan).values_list("building_id", flat=True))
        assert set(entrances.values()) <= {2, 3}
        per_floor = Counter(Flat.objects.filter(community=wannan).values_list("entrance_id", "floor"))
        assert set(per_floor.values()) <= {2, 3}
        areas = list(Flat.objects.filter(community=wannan).values_list("area", flat=True))
        assert min(areas) >= 35 and max(areas) <= 75
        # Every flat of a building has a floor within the building's height.
        assert not Flat.objects.filter(community=wannan, floor__gt=6).exists()

    def test_population_is_about_3700_and_old(self, wannan):
        residents = current(wannan)
        count = residents.count()
        assert 3700 * 0.97 <= count <= 3700 * 1.03
        aged = sum(1 for born in residents.values_list("birth_date", flat=True) if age_on(born, TODAY) >= 60)
        assert aged / count > 0.40
        kinds = Counter(residents.values_list("registration_type", flat=True))
        assert 0.80 <= kinds[RegistrationType.LOCAL] / count <= 0.90
        assert kinds[RegistrationType.MIGRANT] > 0.05 * count
        assert 0 < kinds[RegistrationType.OVERSEAS] < 0.03 * count

    def test_households_are_plausible_families(self, wannan):
        sizes = Counter(current(wannan).values_list("household_id", flat=True))
        assert set(sizes.values()) <= {1, 2, 3, 4}
        tenures = Counter(
            Household.objects.filter(community=wannan, is_active=True).values_list("tenure", flat=True)
        )
        assert tenures[Tenure.OWNER] > tenures[Tenure.TENANT] > 0 and tenures[Tenure.PUBLIC] > 0
        people = defaultdict(list)
        for row in current(wannan).values("household_id", "relation", "birth_date"):
            people[row["household_id"]].append(row)
        checked = 0
        for members in people.values():
            heads = [m for m in members if m["relation"] == Relation.HEAD]
            assert len(heads) == 1
            head_age = age_on(heads[0]["birth_date"], TODAY)
            for m in members:
                age = age_on(m["birth_date"], TODAY)
                if m["relation"] == Relation.SPOUSE:
                    assert abs(head_age - age) <= 10
                    checked += 1
                elif m["relation"] == Relation.CHILD:
                    assert 15 <= head_age - age <= 45
                    checked += 1
        assert checked > 1000

    def test_history_has_moved_out_residents_and_dates_in_order(self, wannan):
        everyone = Resident.objects.filter(community=wannan)
        gone = everyone.filter(moved_out__isnull=False)
        assert 0 < gone.count() < 0.15 * everyone.count()
        assert not gone.filter(move_out_reason="").exists()
        for born, moved_in, moved_out in everyone.values_list("birth_date", "moved_in", "moved_out"):
            assert moved_in is not None and born <= moved_in <= TODAY
            assert moved_out is None or moved_in <= moved_out <= TODAY
        # A household with nobody left is closed.
        for household in Household.objects.filter(community=wannan, is_active=False):
            assert not household.residents.filter(moved_out__isnull=True).exists()

    def test_id_numbers_are_valid_unique_and_agree_with_the_person(self, wannan):
        rows = list(
            current(wannan).values_list("id_type", "id_number", "id_number_hash", "birth_date", "gender")
        )
        ric = [r for r in rows if r[0] == IdType.RESIDENT_ID]
        assert len(ric) > 0.95 * len(rows)
        for _, number, digest, born, gender in ric:
            assert check_id_number(number, birth_date=born, gender=gender) == number
            assert digest == keyed_hash(number)
        hashes = [r[2] for r in rows]
        assert len(set(hashes)) == len(hashes)
        # Locals born here carry 徐汇区's code; migrants a code from outside Shanghai.
        locals_ = current(wannan).filter(registration_type=RegistrationType.LOCAL, id_type=IdType.RESIDENT_ID)
        assert (
            sum(n.startswith("310104") for n in locals_.values_list("id_number", flat=True))
            > 0.4 * locals_.count()
        )
        migrants = current(wannan).filter(registration_type=RegistrationType.MIGRANT)
        assert not any(n.startswith("31") for n in migrants.values_list("id_number", flat=True))

    def test_phones_are_valid_mobiles(self, wannan):
        phones = list(current(wannan).exclude(phone_hash="").values_list("phone", "phone_hash"))
        assert len(phones) > 0.7 * current(wannan).count()
        for phone, digest in phones:
            assert check_mobile(phone) == phone
            assert digest == keyed_hash(phone)

    def test_id_numbers_and_phones_are_encrypted_at_rest(self, wannan):
        resident = current(wannan).exclude(phone="").first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, phone FROM registry_resident WHERE id = %s", [resident.pk])
            stored_id, stored_phone = cursor.fetchone()
        assert stored_id != resident.id_number and stored_id.startswith("gAAAA")
        assert stored_phone != resident.phone and stored_phone.startswith("gAAAA")

    def test_pinyin_search_keys_are_filled(self, wannan):
        rows = list(
            Resident.objects.filter(community=wannan).values_list("name", "name_pinyin", "name_initials")
        )
        assert all(pinyin and initials for _, pinyin, initials in rows)
        for name, pinyin, initials in random.Random(1).sample(rows, 200):
            assert (pinyin, initials) == name_keys(name)

    def test_tags_follow_age_and_living_alone(self, wannan):
        assert set(Tag.objects.values_list("name", flat=True)) >= set(demo.STANDARD_TAGS)
        alone = {
            h for h, n in Counter(current(wannan).values_list("household_id", flat=True)).items() if n == 1
        }
        tagged = defaultdict(set)
        for resident_id, tag in Resident.tags.through.objects.filter(resident__community=wannan).values_list(
            "resident_id", "tag__name"
        ):
            tagged[resident_id].add(tag)
        for resident in current(wannan).only("id", "birth_date", "household_id"):
            age = age_on(resident.birth_date, TODAY)
            tags = tagged[resident.pk]
            assert ("高龄" in tags) == (age >= 80)
            assert ("独居" in tags) == (age >= 60 and resident.household_id in alone)
            if "孤老" in tags:
                assert "独居" in tags
        counts = Counter(tag for tags in tagged.values() for tag in tags)
        assert all(counts[name] > 0 for name in demo.STANDARD_TAGS)

    def test_party_members_branches_and_dates(self, wannan):
        branches = PartyBranch.objects.filter(community=wannan)
        assert sorted(branches.values_list("name", flat=True)) == sorted(demo.BRANCH_NAMES)
        members = current(wannan).filter(party_joined__isnull=False)
        share = members.count() / current(wannan).count()
        assert 0.05 <= share <= 0.11
        assert not members.filter(party_branch__isnull=True).exists()
        assert set(members.values_list("party_branch__name", flat=True)) == set(demo.BRANCH_NAMES)
        for born, joined, full in members.values_list("birth_date", "party_joined", "party_full_member"):
            assert age_on(born, joined) >= 18
            assert full is None or full == demo._years_after(joined, 1)
        fifty_years = demo._years_after(dt.date(TODAY.year, 7, 1), -50)
        assert members.filter(party_full_member__lte=fifty_years).exists()

    def test_six_groups_each_guided_by_a_branch(self, wannan):
        groups = Group.objects.filter(community=wannan)
        assert sorted(groups.values_list("name", flat=True)) == sorted(name for name, _ in demo.GROUPS)
        assert groups.values("branch").distinct().count() == 6
        for group in groups:
            members = GroupMember.objects.filter(group=group, left_on__isnull=True)
            assert members.count() >= 3
            assert not members.exclude(resident__community=wannan).exists()
        first = GroupMember.objects.filter(group__name="初心组")
        assert not first.filter(resident__party_joined__isnull=True).exists()

    def test_groups_have_a_leader_a_deputy_and_a_membership_history(self, wannan):
        past = 0
        for group in Group.objects.filter(community=wannan).select_related("leader", "deputy"):
            current = GroupMember.objects.filter(group=group, left_on__isnull=True)
            assert group.leader and group.deputy and group.leader != group.deputy
            assert {group.leader_id, group.deputy_id} <= set(current.values_list("resident_id", flat=True))
            assert group.leader.is_current and group.deputy.is_current
            periods = list(
                GroupMember.objects.filter(group=group).values_list("resident_id", "joined_on", "left_on")
            )
            past += sum(1 for _, _, left in periods if left is not None)
            for _, joined, left in periods:
                assert joined <= TODAY and (left is None or joined <= left <= TODAY)
            # No person's periods in a group overlap (services_groups.periods_overlap).
            by_person = defaultdict(list)
            for person, joined, left in periods:
                by_person[person].append((joined, left))
            for spans in by_person.values():
                for (a, b), (c, d) in itertools.combinations(spans, 2):
                    assert not periods_overlap(a, b, c, d)
        assert past >= 6

    def test_a_building_group_for_each_building(self, wannan):
        groups = BuildingGroup.objects.filter(community=wannan).select_related("leader", "deputy", "building")
        assert groups.count() == 43 and not groups.filter(entrance__isnull=False).exists()
        assert {g.building_id for g in groups} == set(
            Building.objects.filter(community=wannan).values_list("pk", flat=True)
        )
        assert all(g.leader and g.deputy and g.leader.is_current for g in groups)
        assert groups.exclude(name="").count() >= 3 and "和美楼" in set(groups.values_list("name", flat=True))
        trios = LiftTrioMember.objects.filter(community=wannan).select_related("resident__household__flat")
        assert trios.exists()
        for seat in trios:
            assert seat.resident.household.flat.building_id == seat.building_group.building_id
        louzu = User.objects.get(username="louzu")
        led = groups.filter(leader__user=louzu)
        assert sorted(g.building.number for g in led) == ["1", "2", "3"]
        assert not Membership.objects.filter(user__username__in=["louzu", "nuanxin"]).exists()
        assert Group.objects.get(community=wannan, name="暖心组").leader.user.username == "nuanxin"

    def test_owners_and_shares(self, wannan):
        shares = defaultdict(Fraction)
        for flat_id, numerator, denominator in Ownership.objects.filter(community=wannan).values_list(
            "flat_id", "share_numerator", "share_denominator"
        ):
            shares[flat_id] += Fraction(numerator, denominator)
        assert shares and all(total == 1 for total in shares.values())
        co_owned = [
            f
            for f, n in Counter(
                Ownership.objects.filter(community=wannan).values_list("flat_id", flat=True)
            ).items()
            if n == 2
        ]
        assert co_owned
        owners = Owner.objects.filter(community=wannan)
        assert owners.filter(resident__isnull=True).exists()
        # Owner-occupiers: the owner lives in the flat.
        for household in Household.objects.filter(community=wannan, is_active=True, tenure=Tenure.OWNER)[
            :300
        ]:
            living = set(household.residents.values_list("pk", flat=True))
            assert living & set(
                Owner.objects.filter(ownerships__flat=household.flat_id).values_list("resident_id", flat=True)
            )
        # Public housing has no private owner.
        public = Household.objects.filter(community=wannan, is_active=True, tenure=Tenure.PUBLIC)
        assert not Ownership.objects.filter(flat__households__in=public).exists()

    def test_every_demo_account_signs_in(self, wannan):
        for login in demo.demo_logins():
            user = User.objects.get(username=login.username)
            assert user.check_password(demo.DEMO_PASSWORD)
            assert user.display_name
        assert User.objects.get(username="admin").is_superuser

    def test_each_demo_role_sees_its_part(self, wannan):
        everyone = Resident.objects.filter(community=wannan)

        def visible(username):
            return set(
                scope_for(User.objects.get(username=username)).filter(everyone).values_list("pk", flat=True)
            )

        assert visible("shuji") == visible("ganbu") == set(everyone.values_list("pk", flat=True))
        in_1_to_3 = set(
            everyone.filter(household__flat__building__number__in=["1", "2", "3"]).values_list(
                "pk", flat=True
            )
        )
        assert in_1_to_3 and visible("louzu") == in_1_to_3
        warm = set(
            GroupMember.objects.filter(group__name="暖心组", left_on__isnull=True).values_list(
                "resident_id", flat=True
            )
        )
        assert warm and visible("nuanxin") == warm
        assert visible("zhiyuan") == set() and visible("jiedao") == set()
        home = Membership.objects.get(user__username="jumin", role=Role.RESIDENT).household
        assert home.flat.building.number == "1"
        assert visible("jumin") == set(home.residents.values_list("pk", flat=True))
        assert age_on(home.residents.get(relation=Relation.HEAD).birth_date, TODAY) >= 60
        officer = scope_for(User.objects.get(username="jiedao"))
        assert wannan.pk in officer.aggregate_communities and officer.full_communities == frozenset()

    def test_louzu_carries_four_lift_projects_at_the_stages_that_matter(self, wannan):
        """Issue 6's demo: one collecting consents, one whose vote failed with what is still needed, one
        under construction with its roster, one finished with its photo wall — all in louzu's buildings."""
        from linli.elevators import selectors_projects, selectors_vote
        from linli.elevators.models import DutyAssignment, LiftProject, ProjectStatus

        louzu = User.objects.get(username="louzu")
        projects = selectors_projects.projects_for_community(louzu, wannan)
        assert len(projects) == 4

        def stage_code(project):
            stage = selectors_projects.current_stage(project)
            return stage.code if stage else None

        consultation_stage = [p for p in projects if stage_code(p) == "consultation"]
        assert len(consultation_stage) == 2
        open_vote = next(p for p in consultation_stage if p.consultation.is_open)
        failed = next(p for p in consultation_stage if p.consultation.is_closed)
        assert open_vote.visits.exists() and open_vote.outreach.count() == 2
        result = selectors_vote.lift_vote_result(failed)
        assert not result.passed and result.still_needed.possible and result.still_needed.count >= 1
        (building,) = [p for p in projects if stage_code(p) == "construction"]
        assert building.cost_plan.shares.exists() and building.design_notice_id
        assert DutyAssignment.objects.filter(roster__project=building).exists()
        finished = next(p for p in projects if p.status == ProjectStatus.FINISHED)
        assert finished.photos.count() == 6 and finished.registered_on and finished.entrance.has_lift
        assert LiftProject.objects.filter(community=wannan).count() == 4


@pytest.mark.django_db
def test_benchmark_communities_have_their_own_rows_and_no_users():
    result = demo.build(communities=2, seed=3)
    assert [c.community.name for c in result.communities] == ["田林一村", "田林二村"]
    assert result.users == [] and not User.objects.exists()
    for built in result.communities:
        community = built.community
        assert community.street.name == "田林街道"
        count = current(community).count()
        assert count == built.residents and 3300 * 0.9 <= count <= 3300 * 1.1
        assert PartyBranch.objects.filter(community=community).count() == 6
        assert Group.objects.filter(community=community).count() == 6
        assert BuildingGroup.objects.filter(community=community).count() == len(built.buildings)
        # Each row carries its own community, down to the flat its household lives in.
        assert (
            not Resident.objects.filter(community=community).exclude(household__community=community).exists()
        )
        assert not Household.objects.filter(community=community).exclude(flat__community=community).exists()
    hashes = list(Resident.objects.filter(moved_out__isnull=True).values_list("id_number_hash", flat=True))
    assert len(hashes) == len(set(hashes))


@pytest.mark.django_db
def test_demo_command_if_empty_builds_once_and_prints_the_logins():
    first, second = StringIO(), StringIO()
    call_command("demo", "--if-empty", "--port", "8765", stdout=first)
    counts = (Community.objects.count(), Resident.objects.count(), User.objects.count())
    call_command("demo", "--if-empty", "--port", "8765", stdout=second)
    assert (Community.objects.count(), Resident.objects.count(), User.objects.count()) == counts
    assert counts[0] == 1 and Community.objects.get().name == "宛南六村"
    for output in (first.getvalue(), second.getvalue()):
        assert "http://127.0.0.1:8765/" in output
        assert demo.DEMO_PASSWORD in output
        for login in demo.demo_logins():
            assert login.username in output
    assert "跳过" in second.getvalue() and "跳过" not in first.getvalue()


@pytest.mark.django_db
def test_demo_command_refuses_to_build_a_community_twice():
    demo.build(communities=1)
    with pytest.raises(Exception, match="已存在"):
        call_command("demo", "--communities", "1", stdout=StringIO())


def test_same_seed_same_people_other_seed_other_people():
    def people(seed):
        plans = demo._households_plan(random.Random(seed), demo.WANNAN, TODAY)
        return [(m.name, m.birth, m.gender) for p in plans for m in p.members]

    assert people(5) == people(5)
    assert people(5) != people(6)


def test_baohong_has_the_published_figures():
    plans = demo._households_plan(random.Random(2026), demo.BAOHONG, TODAY)
    assert len(plans) == 3034
    assert sum(len(p.members) for p in plans) == 7966
    assert sum(m.registration == RegistrationType.MIGRANT for p in plans for m in p.members) == 4457
    tenants = sum(p.tenure == Tenure.TENANT for p in plans) / len(plans)
    assert tenants > 0.3
    layout = demo._layout_plan(random.Random(1), demo.BAOHONG, needed=3200)
    assert max(floors for floors, *_ in layout) <= 18
    assert {entrances for _, entrances, *_ in layout} == {2}
    assert sum(f * e * n for f, e, n, _ in layout) >= 3200
