"""The demo's party overlay: in-service members (双报到) for each of 宛南六村's six branches, identity posts,
this year's 50-year medal candidates among its party members, and the 书记 sees them all on the pages."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from linli.core.models import User
from linli.organizing import party, selectors_party
from linli.organizing.models import IdentityPost, InServiceMember
from linli.registry import demo
from linli.registry.models import PartyBranch


@pytest.fixture(scope="class")
def wannan(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        result = demo.build(preset="wannan", seed=11)
        yield result.communities[0].community
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestPartyDemo:
    def test_every_branch_has_in_service_members(self, wannan):
        branches = PartyBranch.objects.filter(community=wannan)
        assert branches.count() == 6
        for branch in branches:
            assert InServiceMember.objects.filter(branch=branch, left_on__isnull=True).exists(), branch.name
        members = InServiceMember.objects.filter(community=wannan)
        assert all(m.name and m.work_unit and m.phone for m in members)
        assert len({m.phone for m in members}) == members.count()
        # A linked resident registers under their own name, and is not a party member of the registry.
        for member in members.filter(resident__isnull=False).select_related("resident"):
            assert member.name == member.resident.name and member.resident.party_joined is None

    def test_identity_posts_for_members_and_in_service_members(self, wannan):
        posts = IdentityPost.objects.filter(community=wannan)
        assert posts.filter(resident__isnull=False).count() >= 6
        assert posts.filter(in_service__isnull=False).exists()
        for post in posts.filter(resident__isnull=False).select_related("resident"):
            assert post.resident.party_full_member is not None and post.resident.moved_out is None

    def test_this_year_has_medal_candidates(self, wannan):
        year = max(dt.date.today().year, party.MEDAL_FIRST_YEAR)
        staff = User.objects.get(username="shuji")
        candidates = selectors_party.medal_candidates(staff, wannan, year)
        assert candidates, "the demo should suggest some 50-year medal candidates this year"
        assert all(party.medal_year(c.full_member) == year for c in candidates)

    def test_the_secretary_sees_the_branches_and_the_register(self, wannan, client):
        client.force_login(User.objects.get(username="shuji"))
        branch = PartyBranch.objects.filter(community=wannan).order_by("pk").first()
        body = client.get(reverse("branch_detail", args=[wannan.pk, branch.pk])).content.decode()
        assert "支部概况" in body and "平均党龄" in body and "亮身份" in body
        listing = client.get(reverse("party_in_service_list", args=[wannan.pk]))
        assert listing.status_code == 200
        for member in InServiceMember.objects.filter(community=wannan)[:5]:
            assert member.phone not in listing.content.decode()
