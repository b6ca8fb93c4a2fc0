"""Streets, communities (the tenant), users and the roles they hold.

A Membership is one role held by one user in one place: a user may hold several (a building leader
who is also a resident and a volunteer). What each role lets a user see is computed in one place,
`linli.core.scope`, from these rows.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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


class Membership(models.Model):
    """One role for one user, with the place it applies to.

    street_officer: `street`; staff and volunteer: `community`; building_leader: `community` and
    `buildings`; group_leader: `community` and `group`; resident: `community` and `household`.
    The check constraints make a role without its place impossible.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
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
    buildings = models.ManyToManyField(
        "registry.Building", blank=True, related_name="leader_memberships", verbose_name=_("负责楼栋")
    )
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leader_memberships",
        verbose_name=_("团队"),
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
                name="membership_has_place",
                condition=(
                    (Q(role="street_officer") & Q(street__isnull=False))
                    | (Q(role__in=["staff", "volunteer", "building_leader"]) & Q(community__isnull=False))
                    | (Q(role="group_leader") & Q(community__isnull=False) & Q(group__isnull=False))
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
