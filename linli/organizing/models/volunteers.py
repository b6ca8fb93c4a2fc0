"""Volunteers (志愿者) — residents or not, children (小先生) with a guardian's consent — and their duty
shifts (值班). Service hours and talents build on these."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.crypto import EncryptedCharField
from linli.core.models import Community
from linli.registry.models import Resident


class Volunteer(models.Model):
    """A registered volunteer. `resident` when they live in the community (name and phone then come
    from the registry); otherwise `name` and `phone` here. `user` is their sign-in, which receives
    reminders and sees their own tasks."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_records",
        verbose_name=_("居民"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer_records",
        verbose_name=_("登录账号"),
    )
    registered_on = models.DateField(_("登记日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    is_minor = models.BooleanField(_("未成年（小先生）"), default=False)
    guardian_consent = models.ForeignKey(
        "registry.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("监护人同意记录"),
    )
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "household": "resident__household_id",
        "group_member": "resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("志愿者")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "resident"],
                condition=Q(left_on__isnull=True, resident__isnull=False),
                name="volunteer_one_current_per_resident",
            ),
            models.CheckConstraint(
                name="volunteer_minor_has_consent",
                condition=Q(is_minor=False) | Q(guardian_consent__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Duty(models.Model):
    """One duty shift (值班) of one volunteer: a patrol, a construction watch, a desk hour. Reminders are
    sent before `starts_at` (see linli.notifications)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="duties", verbose_name=_("志愿者")
    )
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duties",
        verbose_name=_("团队"),
    )
    task = models.CharField(_("任务"), max_length=100)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("安排人"),
    )
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "volunteer__resident__household__flat__building_id",
        "group_member": "volunteer__resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("值班")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(name="duty_ends_after_start", condition=Q(ends_at__gt=F("starts_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.starts_at:%Y-%m-%d %H:%M}"
