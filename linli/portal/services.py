"""Signing residents in to the portal: a one-time code by SMS, or the household's invitation code.

The rules, with the reasons:
- A code is asked for by mobile number. Whether or not the number belongs to a current resident, the
  same row is written, the same limits apply and the same answer is given: the page cannot be used to
  learn who lives here. Only a registered number receives a message.
- Codes are 6 digits, kept as keyed hashes, valid for 5 minutes, used once (spent by a conditional
  UPDATE, so two requests with the same code cannot both succeed); a new code replaces the old one.
- Asking is limited per number (one a minute, five an hour) and per address (twenty an hour); five wrong
  codes for a number lock it for 15 minutes and spend its open code; wrong codes from one address are
  limited too. Every code sent and every refusal is written to the access log.
- An account that holds more than the resident role (staff, a leader, a volunteer) is not signed in
  here: it has a password, and a code on a slip or a phone must not open a worker's pages.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.access import access_record, client_ip
from linli.core.crypto import keyed_hash
from linli.core.errors import DomainError
from linli.core.identity import check_mobile
from linli.core.models import AccessAction, Membership, Role
from linli.core.scope import forget_scope, scope_for
from linli.portal import sms
from linli.portal.models import FailureKind, HouseholdInvitation, SignInCode, SignInFailure
from linli.registry.models import Household, Resident

CODE_TTL = dt.timedelta(minutes=5)
RESEND_AFTER = dt.timedelta(minutes=1)
PER_NUMBER_PER_HOUR = 5
PER_IP_PER_HOUR = 20
WRONG_CODES_TO_LOCK = 5
LOCK_FOR = dt.timedelta(minutes=15)
WRONG_PER_IP_PER_WINDOW = 20  # wrong codes (one-time or invitation) from one address in LOCK_FOR
ADULT_AGE = 18
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on a phone
INVITE_LENGTH = 8
PORTAL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _code_hash(phone_hash: str, code: str) -> str:
    # Bound to the number: a code sent to one number is worth nothing for another.
    return keyed_hash(f"portal-code:{phone_hash}:{code}")


def normalise_invite(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def _invite_hash(code: str) -> str:
    return keyed_hash(f"portal-invite:{normalise_invite(code)}")


def format_invite(code: str) -> str:
    code = normalise_invite(code)
    return f"{code[:4]}-{code[4:]}"


def _ip_wrong_codes_exceeded(ip: str | None, now) -> bool:
    if not ip:
        return False
    recent = SignInFailure.objects.filter(ip=ip, at__gte=now - LOCK_FOR).count()
    return recent >= WRONG_PER_IP_PER_WINDOW


def phone_locked_until(phone_hash: str, *, now=None):
    now = now or timezone.now()
    failure = (
        SignInFailure.objects.filter(phone_hash=phone_hash, kind=FailureKind.CODE, locks_until__gt=now)
        .order_by("-locks_until")
        .first()
    )
    return failure.locks_until if failure else None


def sign_in_code_request(*, phone: str, request=None) -> str:
    """Send a code to `phone` when it belongs to a current resident; return the phone's keyed hash (the
    page keeps it in the session for the next step). Raises DomainError for a malformed number and when a
    limit is reached — for a registered and an unknown number alike."""
    phone = check_mobile(phone or "")
    if not phone:
        raise DomainError(_("请输入手机号码。"), field="phone")
    phone_hash = keyed_hash(phone)
    ip = client_ip(request)
    now = timezone.now()
    # Refusals are written outside any transaction: the error that follows must not roll back its record.
    sent = SignInCode.objects.filter(phone_hash=phone_hash, created_at__gte=now - dt.timedelta(hours=1))
    refusal = None
    if phone_locked_until(phone_hash, now=now):
        refusal = ("locked", _("错误次数过多，该号码已暂时锁定，请15分钟后再试。"))
    elif sent.filter(created_at__gte=now - RESEND_AFTER).exists():
        refusal = ("too_soon", _("验证码已发送，请1分钟后再重新获取。"))
    elif sent.count() >= PER_NUMBER_PER_HOUR:
        refusal = ("number_limit", _("获取验证码太频繁，请1小时后再试。"))
    elif ip and SignInCode.objects.filter(ip=ip, created_at__gte=now - dt.timedelta(hours=1)).count() >= (
        PER_IP_PER_HOUR
    ):
        refusal = ("address_limit", _("获取验证码太频繁，请稍后再试。"))
    if refusal:
        access_record(
            user=None, action=AccessAction.CODE_REFUSED, detail={"reason": refusal[0]}, request=request
        )
        raise DomainError(refusal[1], field="phone")
    with transaction.atomic():
        resident = (
            Resident.objects.filter(phone_hash=phone_hash, moved_out__isnull=True, anonymised_at__isnull=True)
            .select_related("community")
            .order_by("id")
            .first()
        )
        code = f"{secrets.randbelow(1_000_000):06d}"
        # A new code replaces any earlier one still open.
        SignInCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
        row = SignInCode.objects.create(
            community=resident.community if resident else None,
            resident=resident,
            phone_hash=phone_hash,
            code_hash=_code_hash(phone_hash, code),
            ip=ip,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        access_record(
            user=None,
            action=AccessAction.CODE_SENT,
            community=row.community,
            obj=resident,
            detail={"registered": resident is not None},
            request=request,
        )
    if resident is not None:
        text = _(
            "【邻里】您的登录验证码是 %(code)s，5分钟内有效。请勿告诉他人，居委会不会向您索要验证码。"
        ) % {"code": code}
        try:
            sms.sender().send(phone=phone, text=text)
        except sms.SmsNotSent:
            raise DomainError(_("短信发送失败，请稍后再试。"), field="phone") from None
    return phone_hash


def _refuse_code(phone_hash: str, *, reason: str, message: str, request, now, count: bool) -> DomainError:
    locked = False
    if count:
        window_start = now - LOCK_FOR
        last_lock = (
            SignInFailure.objects.filter(
                phone_hash=phone_hash, kind=FailureKind.CODE, locks_until__isnull=False
            )
            .order_by("-locks_until")
            .values_list("locks_until", flat=True)
            .first()
        )
        if last_lock and last_lock > window_start:
            window_start = last_lock
        wrong = SignInFailure.objects.filter(
            phone_hash=phone_hash, kind=FailureKind.CODE, at__gte=window_start
        ).count()
        locked = wrong + 1 >= WRONG_CODES_TO_LOCK
        SignInFailure.objects.create(
            kind=FailureKind.CODE,
            phone_hash=phone_hash,
            ip=client_ip(request),
            at=now,
            locks_until=now + LOCK_FOR if locked else None,
        )
        if locked:  # the open code dies with the lock: a guesser starts again from a new one
            SignInCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
            reason, message = "locked", _("验证码错误次数过多，该号码已锁定15分钟，请稍后重新获取验证码。")
    access_record(user=None, action=AccessAction.CODE_REFUSED, detail={"reason": reason}, request=request)
    return DomainError(message, field="code")


def sign_in_code_verify(*, phone_hash: str, code: str, request=None) -> list[Resident]:
    """Check the code typed for the number; return the current residents it signs in as (one, or several
    sharing the number: the page then asks who is signing in). Raises DomainError otherwise."""
    now = timezone.now()
    code = "".join(c for c in (code or "") if not c.isspace())
    ip = client_ip(request)
    # No transaction around the checks: a refusal's failure row and access record must outlive the error
    # raised after them. Spending the code is one conditional UPDATE, atomic by itself.
    if not phone_hash:
        raise DomainError(_("请先输入手机号码获取验证码。"), field="code")
    if phone_locked_until(phone_hash, now=now):
        access_record(
            user=None, action=AccessAction.CODE_REFUSED, detail={"reason": "locked"}, request=request
        )
        raise DomainError(_("错误次数过多，该号码已暂时锁定，请15分钟后再试。"), field="code")
    if _ip_wrong_codes_exceeded(ip, now):
        access_record(
            user=None, action=AccessAction.CODE_REFUSED, detail={"reason": "address_limit"}, request=request
        )
        raise DomainError(_("尝试次数过多，请15分钟后再试。"), field="code")
    if not (len(code) == 6 and code.isdigit() and code.isascii()):
        raise DomainError(_("请输入短信中的6位数字验证码。"), field="code")
    latest = SignInCode.objects.filter(phone_hash=phone_hash).order_by("-created_at", "-id").first()
    matches = latest is not None and hmac.compare_digest(latest.code_hash, _code_hash(phone_hash, code))
    if not matches:
        raise _refuse_code(
            phone_hash,
            reason="wrong",
            message=_("验证码不正确，请核对短信后重新输入。"),
            request=request,
            now=now,
            count=True,
        )
    if latest.used_at is not None:
        raise _refuse_code(
            phone_hash,
            reason="used",
            message=_("该验证码已使用过，请重新获取验证码。"),
            request=request,
            now=now,
            count=False,
        )
    if latest.expires_at <= now:
        raise _refuse_code(
            phone_hash,
            reason="expired",
            message=_("验证码已过期（5分钟内有效），请重新获取。"),
            request=request,
            now=now,
            count=False,
        )
    spent = SignInCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now)
    if spent != 1:  # the same code used twice at once: only one request wins
        raise _refuse_code(
            phone_hash,
            reason="used",
            message=_("该验证码已使用过，请重新获取验证码。"),
            request=request,
            now=now,
            count=False,
        )
    residents = list(
        Resident.objects.filter(phone_hash=phone_hash, moved_out__isnull=True, anonymised_at__isnull=True)
        .select_related("household", "community")
        .order_by("id")
    )
    if not residents:  # moved out since the code was sent
        raise _refuse_code(
            phone_hash,
            reason="not_current",
            message=_("验证码不正确，请核对短信后重新输入。"),
            request=request,
            now=now,
            count=False,
        )
    return residents


def household_adults(household: Household, *, today: dt.date | None = None) -> list[Resident]:
    today = today or timezone.localdate()
    return [
        r
        for r in Resident.objects.filter(
            household=household, moved_out__isnull=True, anonymised_at__isnull=True
        ).order_by("id")
        if r.age(today) >= ADULT_AGE
    ]


def household_invitation_reset(*, actor, household: Household, request=None) -> str:
    """Make a new invitation code for the household (the old one stops working) and return it in clear,
    once, for the slip. Staff of the household's community only (checked by the caller's rule)."""
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        invitation = HouseholdInvitation.objects.select_for_update().filter(household=household).first()
        if invitation is None:
            invitation = HouseholdInvitation(household=household, community_id=household.community_id)
        invitation.code_hash = _invite_hash(code)
        invitation.created_at = now
        invitation.created_by = actor if getattr(actor, "is_authenticated", False) else None
        invitation.save()
        access_record(
            user=actor,
            action=AccessAction.INVITE_RESET,
            obj=household,
            community=household.community,
            request=request,
        )
    return code


def invitation_check(*, code: str, request=None) -> list[Resident]:
    """The adults of the household whose invitation code this is; DomainError for a wrong code (counted
    per address: twenty wrong codes in 15 minutes stop that address for a while)."""
    now = timezone.now()
    ip = client_ip(request)
    normal = normalise_invite(code)
    if not normal:
        raise DomainError(_("请输入户邀请码。"), field="code")
    if _ip_wrong_codes_exceeded(ip, now):
        access_record(
            user=None, action=AccessAction.INVITE_REFUSED, detail={"reason": "address_limit"}, request=request
        )
        raise DomainError(_("尝试次数过多，请15分钟后再试。"), field="code")
    invitation = (
        HouseholdInvitation.objects.select_related("household").filter(code_hash=_invite_hash(normal)).first()
        if len(normal) == INVITE_LENGTH
        else None
    )
    if invitation is None or not invitation.household.is_active:
        SignInFailure.objects.create(kind=FailureKind.INVITE, ip=ip, at=now)
        access_record(
            user=None, action=AccessAction.INVITE_REFUSED, detail={"reason": "wrong"}, request=request
        )
        raise DomainError(_("邀请码不正确，请核对居委会发给您的邀请单（8位字母和数字）。"), field="code")
    adults = household_adults(invitation.household)
    if not adults:
        raise DomainError(_("本户暂无可登录的成年居民，请联系居委会。"), field="code")
    return adults


def resident_sign_in(*, resident: Resident, request, method: str) -> object:
    """Sign the resident in: their own user (made now when they have none, without a password) with the
    resident role for their household. Refused for an account that holds any other role."""
    User = get_user_model()
    with transaction.atomic():
        resident = Resident.objects.select_for_update().select_related("household").get(pk=resident.pk)
        if resident.moved_out is not None or resident.anonymised_at is not None:
            raise DomainError(_("该居民已不在本社区居住，无法登录。"))
        user = resident.user
        if user is not None:
            if (
                user.is_staff
                or user.is_superuser
                or not user.is_active
                or scope_for(user).roles - {Role.RESIDENT}
            ):
                raise DomainError(_("此账号有工作权限，请用用户名和密码登录。"))
        else:
            user = User(username=f"jm{resident.pk}-{secrets.token_hex(3)}", display_name=resident.name)
            user.set_unusable_password()
            user.save()
            resident.user = user
            resident.save(update_fields=["user"])
        membership = Membership.objects.filter(
            user=user, role=Role.RESIDENT, household=resident.household
        ).first()
        if membership is None:
            Membership.objects.create(
                user=user,
                role=Role.RESIDENT,
                community_id=resident.community_id,
                household=resident.household,
            )
        elif not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        # A resident who moved to another household keeps no grant on the old one.
        Membership.objects.filter(user=user, role=Role.RESIDENT, is_active=True).exclude(
            household=resident.household
        ).update(is_active=False)
        forget_scope(user)
    login(request, user, backend=PORTAL_BACKEND)  # the login signal writes the sign-in to the access log
    request.session["portal_resident_id"] = resident.pk
    request.session["portal_method"] = method
    return user
