"""The portal's demo data: the `jumin` login gets its own resident record with a demo mobile, so the SMS
sign-in works with the console sender, and a known invitation code for its household."""

import re

from django.urls import reverse
from django.utils import timezone

from linli.core.crypto import keyed_hash
from linli.core.models import Role
from linli.portal import demo
from linli.portal.sms import ConsoleSmsSender
from linli.registry.models import Resident
from tests.factories import UserFactory, grant


def test_jumin_signs_in_with_the_demo_phone_and_the_demo_code(world, client):
    jumin = UserFactory(username="jumin", display_name="居民")
    grant(jumin, Role.RESIDENT, community=world.community, household=world.own_household)
    phone = demo.build(world.community, today=timezone.localdate(), seed=7)
    assert phone == demo.DEMO_PHONE
    record = Resident.objects.get(user=jumin)
    assert record.household_id == world.own_household.pk and record.phone == phone
    assert record.phone_hash == keyed_hash(phone)
    # A second run changes nothing.
    assert demo.build(world.community, today=timezone.localdate(), seed=7) == phone
    assert Resident.objects.filter(user=jumin).count() == 1

    ConsoleSmsSender.outbox.clear()
    client.post(reverse("portal_sign_in"), {"phone": phone})
    code = re.search(r"\d{6}", ConsoleSmsSender.outbox[-1].text).group(0)
    assert client.post(reverse("portal_sign_in_code"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(jumin.pk)

    client.logout()
    client.post(reverse("portal_invite"), {"code": demo.DEMO_INVITE})
    choose = client.get(reverse("portal_choose"))
    assert choose.status_code == 200 and record.name in choose.content.decode()
