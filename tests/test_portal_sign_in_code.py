"""Residents sign in to the portal with their mobile and a one-time SMS code.

The code arrives through the console sender (its outbox, in this process). Each rule has a test that
fails when the rule is dropped: codes expire after 5 minutes, are used once, a replayed or forged code is
refused, five wrong codes lock the number for 15 minutes, asking is rate-limited per number and per
address, an unknown number gets the same answer as a registered one, and every step is in the access log.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.models import AccessAction, AccessLog, Membership, Role
from linli.portal import services
from linli.portal.models import SignInCode, SignInFailure
from linli.portal.sms import ConsoleSmsSender
from linli.registry.models import Resident

ZHAO_PHONE = "13812345678"  # 赵阿姨's number in the test world
UNKNOWN_PHONE = "13912340000"  # a valid number nobody registered


@pytest.fixture(autouse=True)
def outbox():
    ConsoleSmsSender.outbox.clear()
    yield ConsoleSmsSender.outbox
    ConsoleSmsSender.outbox.clear()


def last_code(outbox) -> str:
    assert outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", outbox[-1].text).group(1)


def ask(client, phone=ZHAO_PHONE, **extra):
    return client.post(reverse("portal_sign_in"), {"phone": phone}, **extra)


def enter(client, code):
    return client.post(reverse("portal_sign_in_code"), {"code": code})


def page_text(response) -> str:
    return response.content.decode()


def comparable(response, phone: str) -> str:
    """The page without what differs by design: the masked number typed, and the CSRF tokens."""
    text = page_text(response).replace(f"{phone[:3]}****{phone[-4:]}", "•")
    return re.sub(r"[A-Za-z0-9]{64}", "", text)


def test_the_code_signs_the_resident_in_as_their_own_user(world, client, outbox):
    response = ask(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal_sign_in_code")
    assert len(outbox) == 1 and outbox[0].phone == ZHAO_PHONE
    response = enter(client, last_code(outbox))
    assert response.status_code == 302 and response["Location"] == reverse("portal_home")

    world.zhao.refresh_from_db()
    user = world.zhao.user
    assert user is not None and not user.has_usable_password()
    assert Membership.objects.filter(
        user=user, role=Role.RESIDENT, household=world.own_household, is_active=True
    ).exists()
    home = client.get(reverse("portal_home"))
    assert home.status_code == 200 and "赵阿姨" in page_text(home)
    actions = list(AccessLog.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [AccessAction.CODE_SENT, AccessAction.SIGN_IN]
    # No phone number and no code ever reach the access log.
    for row in AccessLog.objects.all():
        assert ZHAO_PHONE not in str(row.detail) and last_code(outbox) not in str(row.detail)


def test_codes_are_stored_only_as_hashes(world, client, outbox):
    ask(client)
    row = SignInCode.objects.get()
    code = last_code(outbox)
    assert code not in row.code_hash and ZHAO_PHONE not in row.phone_hash
    assert row.phone_hash == keyed_hash(ZHAO_PHONE) == world.zhao.phone_hash


def test_an_unknown_number_gets_the_same_answer_and_no_message(world, client, outbox):
    known = ask(client)
    known_page = client.get(reverse("portal_sign_in_code"))
    other = client.__class__()
    unknown = ask(other, UNKNOWN_PHONE)
    unknown_page = other.get(reverse("portal_sign_in_code"))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert comparable(known_page, ZHAO_PHONE) == comparable(unknown_page, UNKNOWN_PHONE)
    assert [m.phone for m in outbox] == [ZHAO_PHONE]  # only the registered number got a message
    # Guessing a code for the unknown number is refused with the same words as a wrong code.
    refused = enter(other, "123456")
    assert "验证码不正确" in page_text(refused)
    # And its limits are the same: a second request within a minute is refused for both.
    assert "1分钟后" in page_text(ask(client))
    assert "1分钟后" in page_text(ask(other, UNKNOWN_PHONE))


def test_a_code_expires_after_five_minutes(world, client, outbox):
    ask(client)
    SignInCode.objects.update(
        created_at=timezone.now() - dt.timedelta(minutes=6),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    response = enter(client, last_code(outbox))
    assert response.status_code == 200 and "验证码已过期" in page_text(response)
    world.zhao.refresh_from_db()
    assert world.zhao.user is None
    assert AccessLog.objects.filter(action=AccessAction.CODE_REFUSED, detail__reason="expired").exists()


def test_a_code_works_once_and_a_replay_is_refused(world, client, outbox):
    ask(client)
    code = last_code(outbox)
    assert enter(client, code).status_code == 302
    user_id = client.session["_auth_user_id"]
    # Someone who saw the code (here in the same browser) tries it a second time.
    session = client.session
    session["portal_phone_hash"] = keyed_hash(ZHAO_PHONE)
    session.save()
    response = enter(client, code)
    assert "该验证码已使用过" in page_text(response)
    assert client.session["_auth_user_id"] == user_id  # still the one sign-in, nothing new
    assert AccessLog.objects.filter(action=AccessAction.CODE_REFUSED, detail__reason="used").exists()
    # The service refuses it the same way.
    with pytest.raises(DomainError, match="已使用过"):
        services.sign_in_code_verify(phone_hash=keyed_hash(ZHAO_PHONE), code=code)


def test_a_new_code_replaces_the_old_one(world, client, outbox):
    ask(client)
    first = last_code(outbox)
    SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    ask(client)
    second = last_code(outbox)
    if first != second:
        assert "验证码" in page_text(enter(client, first)) and "_auth_user_id" not in client.session
    assert enter(client, second).status_code == 302


def test_five_wrong_codes_lock_the_number_for_fifteen_minutes(world, client, outbox):
    ask(client)
    code = last_code(outbox)
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(1, 5):
        response = enter(client, wrong)
        assert "验证码不正确" in page_text(response), attempt
    response = enter(client, wrong)
    assert "锁定15分钟" in page_text(response)
    # Locked: even the right code is refused now, and no new code is sent.
    assert "锁定" in page_text(enter(client, code))
    assert "_auth_user_id" not in client.session
    SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert "锁定" in page_text(ask(client))
    assert len(outbox) == 1
    assert AccessLog.objects.filter(action=AccessAction.CODE_REFUSED, detail__reason="locked").count() >= 3
    # Fifteen minutes later the number may ask again, and the old code stays dead.
    SignInFailure.objects.update(locks_until=timezone.now() - dt.timedelta(seconds=1))
    assert "锁定" in page_text(enter(client, code)) or "已使用过" in page_text(enter(client, code))
    assert ask(client).status_code == 302
    assert enter(client, last_code(outbox)).status_code == 302


def test_asking_is_limited_per_number(world, client, outbox):
    assert ask(client).status_code == 302
    assert "1分钟后" in page_text(ask(client))
    for _ in range(4):
        SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
        assert ask(client).status_code == 302
    SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    response = ask(client)
    assert "1小时后" in page_text(response)
    assert len(outbox) == 5
    assert AccessLog.objects.filter(action=AccessAction.CODE_REFUSED, detail__reason="number_limit").exists()


def test_asking_is_limited_per_address(world, client, outbox):
    for n in range(services.PER_IP_PER_HOUR):
        assert ask(client, f"139123{n:05d}").status_code == 302
    response = ask(client, "13812349999")
    assert "太频繁" in page_text(response)
    # Another address is not affected.
    assert ask(client, "13812349999", REMOTE_ADDR="10.0.0.9").status_code == 302


def test_a_forged_code_is_refused_and_logged(world, client, outbox):
    ask(client)
    response = enter(client, "12345x")
    assert "6位数字" in page_text(response)
    code = last_code(outbox)
    forged = f"{(int(code) + 1) % 1_000_000:06d}"
    response = enter(client, forged)
    assert "验证码不正确" in page_text(response) and "_auth_user_id" not in client.session
    assert AccessLog.objects.filter(action=AccessAction.CODE_REFUSED, detail__reason="wrong").exists()
    # A code sent to one number is worth nothing for another.
    Resident.objects.filter(pk=world.qian.pk).update(phone_hash=keyed_hash("13812340001"))
    session = client.session
    session["portal_phone_hash"] = keyed_hash("13812340001")
    session.save()
    assert "验证码不正确" in page_text(enter(client, code))


def test_an_account_with_a_working_role_is_not_signed_in_by_code(world, client, outbox):
    # 孙奶奶 leads building 1's building group through her own user: that user has a password for that.
    Resident.objects.filter(pk=world.sun.pk).update(phone_hash=keyed_hash("13812340002"))
    ask(client, "13812340002")
    response = enter(client, last_code(outbox))
    assert "用户名和密码登录" in page_text(response)
    assert "_auth_user_id" not in client.session


def test_a_moved_out_resident_gets_no_code(world, client, outbox):
    Resident.objects.filter(pk=world.zhao.pk).update(moved_out=dt.date(2025, 1, 1), moved_in=None)
    assert ask(client).status_code == 302
    assert outbox == []


def test_a_malformed_number_is_told_so(world, client, outbox):
    response = ask(client, "12345")
    assert response.status_code == 200 and "手机号码" in page_text(response)
    assert SignInCode.objects.count() == 0


def test_sign_in_returns_to_the_page_that_asked_for_it_on_this_site_only(world, client, outbox):
    # A meeting's QR check-in page (or any portal page) sends a visitor here with ?next=.
    target = reverse("portal_notice", kwargs={"notice_id": 999})
    client.get(reverse("portal_sign_in"), {"next": target})
    ask(client)
    response = enter(client, last_code(outbox))
    assert response["Location"] == target
    client.post(reverse("logout"))
    other = client.__class__()
    other.get(reverse("portal_sign_in"), {"next": "https://evil.example/"})
    SignInCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    ask(other)
    response = enter(other, last_code(outbox))
    assert response["Location"] == reverse("portal_home")
