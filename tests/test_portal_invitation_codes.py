"""Household invitation codes: staff make and print them (with a QR code), an adult of the household signs
in with one and says who they are; a wrong, old or foreign code signs nobody in."""

import datetime as dt
import re

from django.urls import reverse

from linli.core.models import AccessAction, AccessLog, Membership, Role
from linli.portal import services
from linli.portal.models import HouseholdInvitation
from linli.registry.models import Resident
from tests.factories import ResidentFactory


def make_code(client, world, household=None) -> str:
    client.force_login(world.staff)
    response = client.post(
        reverse("portal_household_invitation", kwargs={"household_id": (household or world.own_household).pk})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body  # the QR code, drawn on the server
    code = re.search(r'class="slip__code">([A-Z0-9]{4}-[A-Z0-9]{4})<', body).group(1)
    client.logout()
    return code


def test_staff_make_a_code_that_is_stored_only_as_a_hash(world, client):
    code = make_code(client, world)
    invitation = HouseholdInvitation.objects.get(household=world.own_household)
    assert code.replace("-", "") not in invitation.code_hash
    assert invitation.created_by == world.staff
    assert AccessLog.objects.filter(action=AccessAction.INVITE_RESET, user=world.staff).exists()
    # Shown once: the page afterwards does not show it again.
    client.force_login(world.staff)
    page = client.get(reverse("portal_household_invitation", kwargs={"household_id": world.own_household.pk}))
    assert code not in page.content.decode()


def test_only_the_communitys_staff_make_codes(world, client):
    url = reverse("portal_household_invitation", kwargs={"household_id": world.own_household.pk})
    for actor, expected in ((world.building_leader, 403), (world.resident, 403), (world.outsider, 404)):
        client.force_login(actor)
        assert client.post(url).status_code == expected, actor
    assert not HouseholdInvitation.objects.exists()
    building = reverse("portal_building_invitations", kwargs={"building_id": world.building_1.pk})
    client.force_login(world.building_leader)
    assert client.post(building).status_code == 403


def test_a_building_at_once(world, client):
    client.force_login(world.staff)
    response = client.post(
        reverse("portal_building_invitations", kwargs={"building_id": world.building_1.pk})
    )
    assert response.status_code == 200
    assert response.content.decode().count('class="slip"') == 2  # 101 and 102
    assert HouseholdInvitation.objects.count() == 2


def test_an_adult_of_the_household_signs_in_with_the_code(world, client):
    minor = ResidentFactory(
        household=world.own_household, name="赵小妹", birth_date=dt.date.today() - dt.timedelta(days=365 * 10)
    )
    code = make_code(client, world)
    response = client.post(reverse("portal_invite"), {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302 and response["Location"] == reverse("portal_choose")
    choose = client.get(reverse("portal_choose")).content.decode()
    assert "赵阿姨" in choose and "钱先生" in choose
    assert minor.name not in choose  # children do not sign in
    assert "孙奶奶" not in choose
    # Choosing someone outside the list is refused.
    refused = client.post(reverse("portal_choose"), {"resident": world.sun.pk})
    assert refused.status_code == 200 and "请选择您是谁" in refused.content.decode()
    response = client.post(reverse("portal_choose"), {"resident": world.qian.pk})
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")
    world.qian.refresh_from_db()
    assert world.qian.user is not None
    assert Membership.objects.filter(
        user=world.qian.user, role=Role.RESIDENT, household=world.own_household
    ).exists()
    home = client.get(reverse("portal_home")).content.decode()
    assert "钱先生" in home


def test_a_wrong_or_replaced_code_signs_nobody_in(world, client):
    old = make_code(client, world)
    new = make_code(client, world)
    for code in (old, "ABCD-EFGH", "12"):
        if code == new:
            continue
        response = client.post(reverse("portal_invite"), {"code": code})
        assert response.status_code == 200 and "邀请码不正确" in response.content.decode(), code
    assert AccessLog.objects.filter(action=AccessAction.INVITE_REFUSED).count() == 3
    assert client.get(reverse("portal_choose")).status_code == 302  # nothing to choose from


def test_wrong_codes_from_one_address_are_limited(world, client):
    new = make_code(client, world)
    for _ in range(services.WRONG_PER_IP_PER_WINDOW):
        client.post(reverse("portal_invite"), {"code": "ZZZZ-ZZZZ"})
    response = client.post(reverse("portal_invite"), {"code": new})
    assert "尝试次数过多" in response.content.decode()


def test_a_leaders_account_is_not_opened_by_a_household_code(world, client):
    # 孙奶奶's record is linked to the building leader's user: a slip must not open a leader's pages.
    code = make_code(client, world, household=world.sun.household)
    client.post(reverse("portal_invite"), {"code": code})
    response = client.post(reverse("portal_choose"), {"resident": world.sun.pk})
    assert "用户名和密码登录" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_moved_out_household_member_is_not_offered(world, client):
    code = make_code(client, world)
    Resident.objects.filter(pk=world.qian.pk).update(moved_out=dt.date(2025, 1, 1), moved_in=None)
    client.post(reverse("portal_invite"), {"code": code})
    choose = client.get(reverse("portal_choose")).content.decode()
    assert "钱先生" not in choose and "赵阿姨" in choose
