"""Streets, communities (the tenant), users and the roles they hold.

A Membership is one role held by one user in one place: a user may hold several (a building leader
who is also a resident and a volunteer). What each role lets a user see is computed in one place,
`linli.core.scope`, from these rows.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Street(models.Model):
    """街道: the street office above several communities; sees aggregates only."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    district = models.CharField(_("区"), max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("街道")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """居委会/居民区: the tenant. Every community-owned row carries a foreign key to it."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("居民区")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_per_street")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Staff of any rank, leaders, volunteers and residents alike."""

    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    STREET_OFFICER = "street_officer", _("街道工作人员")
    STAFF = "staff", _("居委干部")
    BUILDING_LEADER = "building_leader", _("楼组长")
    GROUP_LEADER = "group_leader", _("团队负责人")
    VOLUNTEER = "volunteer", _("志愿者")
    RESIDENT = "resident", _("居民")


# Roles a user holds because the records say they lead something — a building group (楼组) or a group —
# and never through a Membership: linli.core.scope reads them from the organizing app's leader and
# deputy fields, so there is one place that says who leads what.
DERIVED_ROLES = frozenset({Role.BUILDING_LEADER, Role.GROUP_LEADER})
MEMBERSHIP_ROLES = [(value, label) for value, label in Role.choices if value not in DERIVED_ROLES]


class Membership(models.Model):
    """One granted role for one user, with the place it applies to.

    street_officer: `street`; staff and volunteer: `community`; resident: `community` and `household`.
    The check constraint makes a role without its place impossible. Building leaders and group leaders
    have no Membership: their role follows from the building group or group they lead (DERIVED_ROLES).
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=MEMBERSHIP_ROLES)
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("街道")
    )
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("居民区"),
    )
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="user_memberships",
        verbose_name=_("本户"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("角色")
        constraints = [
            models.CheckConstraint(
                name="membership_has_place_v2",
                condition=(
                    (Q(role="street_officer") & Q(street__isnull=False))
                    | (Q(role__in=["staff", "volunteer"]) & Q(community__isnull=False))
                    | (Q(role="resident") & Q(community__isnull=False) & Q(household__isnull=False))
                ),
            ),
        ]

    def __str__(self) -> str:
        place = self.street or self.community
        return f"{self.user} · {self.get_role_display()} · {place}"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户")
    )
    name = models.CharField(_("用途"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("查看完整信息")
    EXPORT = "export", _("导出名单")
    PERSON_EXPORT = "person_export", _("导出个人数据")
    ANONYMISE = "anonymise", _("匿名化")
    IMPORT = "import", _("导入台账")
    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出登录")
    # The residents' portal (linli.portal): one-time codes by SMS and household invitation codes.
    CODE_SENT = "code_sent", _("发送登录验证码")
    CODE_REFUSED = "code_refused", _("验证码登录被拒绝")
    INVITE_REFUSED = "invite_refused", _("邀请码登录被拒绝")
    INVITE_RESET = "invite_reset", _("生成户邀请码")


class AccessLog(models.Model):
    """Who looked at or took out personal data, and who signed in: PIPL art. 51's record of processing.

    Rows are written once and never changed (the admin is read-only). `object_type`/`object_id` name the
    row concerned without a foreign key, so the record outlives an anonymised or deleted person; no
    sensitive value is ever written here, only the field's name and the stated reason.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("用户")
    )
    username = models.CharField(
        _("用户名"), max_length=150, blank=True, help_text=_("登录失败时为输入的用户名")
    )
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction.choices)
    community = models.ForeignKey(
        Community,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("居民区"),
    )
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    field = models.CharField(_("字段"), max_length=50, blank=True)
    reason = models.CharField(_("理由"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["community", "-at"], name="accesslog_community_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} · {self.username or self.user} · {self.get_action_display()}"


class PolicyVersion(models.Model):
    """One dated version of a set of policy figures (thresholds, subsidy caps and rates, notice days…).

    Rules change: a result must be decided by the figures in force on its own date and say which version
    decided it, so no policy figure is written in code. `kind` names the set (the app that uses it
    registers its figures with `linli.core.policy.register_kind`); `figures` holds each figure as text in
    its exact form ("2/3", "240000.00", "20"). A version applies from `effective_from` up to and
    including `effective_to` (open-ended when empty); versions of one kind do not overlap.
    """

    kind = models.CharField(_("政策类别"), max_length=30, db_index=True)
    label = models.CharField(_("版本名称"), max_length=100)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    figures = models.JSONField(_("政策参数"), default=dict)
    source = models.TextField(_("依据"), blank=True, help_text=_("文件名称、文号、条款"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("政策参数版本")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="policy_one_version_per_start"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="policy_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}（{self.effective_from:%Y-%m-%d}起）"
