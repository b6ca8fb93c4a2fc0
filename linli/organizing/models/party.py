"""The party-building overlay: in-service party members registered in their home community (双报到) and
members who show their party identity when serving (亮身份, on a 党员责任岗).

Residents' own party membership (dates, branch) lives on `registry.Resident`; party standing and the
50-year medal are pure rules in `linli.organizing.party`. Party membership is sensitive (rules/privacy.md):
these rows are served to the community's staff, and a post of a resident also to the leaders of the
building they live in (see `linli.organizing.rules_party`).
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.crypto import EncryptedCharField
from linli.core.models import Community
from linli.registry.models import PartyBranch, Resident


class InServiceMember(models.Model):
    """在职党员: a party member whose membership is kept by their workplace and who has registered with
    their home community (双报到) to serve here. `resident` when they live in the community (the registry
    record then has the party dates); `name` and `phone` are theirs either way, as they registered."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    # Finds the same person registered twice without decrypting every row.
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_service_records",
        verbose_name=_("本社区居民"),
    )
    branch = models.ForeignKey(
        PartyBranch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_service_members",
        verbose_name=_("报到党支部"),
    )
    registered_on = models.DateField(_("报到日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    services = models.TextField(_("在社区的服务"), blank=True)
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_service_members",
        verbose_name=_("参加的团队"),
    )
    history = HistoricalRecords()

    # Staff only: an in-service member's registration is the party organisation's business, not the
    # building's (a building leader sees residents' party membership through the registry already).
    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("在职党员")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="in_service_leaves_after_registering",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("registered_on")),
            ),
            models.UniqueConstraint(
                fields=["community", "resident"],
                condition=Q(left_on__isnull=True, resident__isnull=False),
                name="in_service_one_current_per_resident",
            ),
            models.UniqueConstraint(
                fields=["community", "phone_hash"],
                condition=Q(left_on__isnull=True) & ~Q(phone_hash=""),
                name="in_service_one_current_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class IdentityPost(models.Model):
    """亮身份: a party member who shows their party identity when serving, on a post of responsibility
    (党员责任岗, e.g. 楼道堆物巡查岗). Either a resident party member or an in-service member. A badge
    shows on the branch page and the lists while the post is current (`ended_on` empty)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_posts",
        verbose_name=_("党员（本社区居民）"),
    )
    in_service = models.ForeignKey(
        InServiceMember,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_posts",
        verbose_name=_("在职党员"),
    )
    post = models.CharField(_("党员责任岗"), max_length=100)
    started_on = models.DateField(_("亮身份起始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "resident__household__flat__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("党员亮身份")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="identity_post_one_holder",
                condition=Q(resident__isnull=False, in_service__isnull=True)
                | Q(resident__isnull=True, in_service__isnull=False),
            ),
            models.CheckConstraint(
                name="identity_post_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            ),
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(ended_on__isnull=True, resident__isnull=False),
                name="identity_post_one_current_per_resident",
            ),
            models.UniqueConstraint(
                fields=["in_service"],
                condition=Q(ended_on__isnull=True, in_service__isnull=False),
                name="identity_post_one_current_per_in_service",
            ),
        ]

    def __str__(self) -> str:
        return self.post

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
