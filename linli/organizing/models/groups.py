"""Groups of residents (六邻汇's 初心, 暖心 …). The organizing issue builds the rest; the foundation needs
groups because a group leader's scope is the group's current members."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import Community
from linli.registry.models import PartyBranch, Resident


class Group(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="groups", verbose_name=_("居民区")
    )
    name = models.CharField(_("名称"), max_length=50)
    purpose = models.CharField(_("宗旨"), max_length=200, blank=True)
    branch = models.ForeignKey(
        PartyBranch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
        verbose_name=_("指导党支部"),
    )

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("团队")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("团队"))
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="group_memberships", verbose_name=_("居民")
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)

    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "group_member": "resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("团队成员")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "resident"],
                condition=Q(left_on__isnull=True),
                name="group_member_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.resident}"
