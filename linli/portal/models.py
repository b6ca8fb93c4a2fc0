"""The residents' portal: one-time sign-in codes, failed attempts, and each household's invitation code.

No code is stored in clear: a one-time code and an invitation code are kept as keyed hashes
(linli.core.crypto.keyed_hash), so a copy of the database signs nobody in. Phones are never stored here
either, only their keyed hash, the same one the registry searches by (`Resident.phone_hash`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community


class SignInCode(models.Model):
    """One code asked for, for one number. A row is written whether or not the number belongs to a current
    resident (then `resident` is empty and no message is sent), so the rate limits, the answer and the
    time taken are the same either way: the page never tells whether a number is registered.

    Rows are written once and then only spent (`used_at`); they carry no history (the access log records
    each request and each refusal), and are pruned with the access log's own retention."""

    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("居民"),
    )
    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    scope_paths = {"community": "community_id", "household": "resident__household_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("登录验证码")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="signincode_expires_after_sent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class FailureKind(models.TextChoices):
    CODE = "code", _("验证码错误")
    INVITE = "invite", _("邀请码错误")


class SignInFailure(models.Model):
    """One wrong code typed. Five wrong one-time codes for a number lock it out: the fifth row carries
    `locks_until`. Wrong codes from one address are counted too (someone trying many numbers)."""

    kind = models.CharField(_("类型"), max_length=10, choices=FailureKind.choices)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    locks_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    # No community: a wrong code belongs to nobody yet. Only the admin reads these rows.
    scope_paths = {"community": None}

    class Meta:
        verbose_name = verbose_name_plural = _("登录失败记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.get_kind_display()}"


class HouseholdInvitation(models.Model):
    """A household's invitation code (户邀请码): printed on a slip and given to the household, it lets an
    adult of the household sign in to the portal and say who they are. One per household; staff make a
    new one (the old one stops working at once) — the code is shown only then, for printing."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    household = models.OneToOneField(
        "registry.Household",
        on_delete=models.CASCADE,
        related_name="portal_invitation",
        verbose_name=_("户"),
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("生成时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("生成人"),
    )
    history = HistoricalRecords(excluded_fields=["code_hash"])

    scope_paths = {
        "community": "community_id",
        "building": "household__flat__building_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("户邀请码")

    def __str__(self) -> str:
        return str(self.household)
