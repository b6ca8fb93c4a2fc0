"""Groups of residents (六邻汇's 初心, 暖心 …) with their members over time, and building groups (楼组).

Who leads a group or a building group is written here and nowhere else: linli.core.scope derives a
leader's scope from these rows (through `Resident.user`), so changing a leader changes who sees what on
the next request. Leaders and deputies are residents; a moved-out resident's leadership grants nothing.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.registry.models import Building, Entrance, PartyBranch, Resident


def _leader_is_not_deputy(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(leader__isnull=True) | Q(deputy__isnull=True) | ~Q(leader=F("deputy")),
    )


class Group(models.Model):
    """A self-governance group guided by a party branch (初心组 guided by 第一党支部 …)."""

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
    leader = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
        verbose_name=_("组长"),
    )
    deputy = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_of_groups",
        verbose_name=_("副组长"),
    )
    # A group that stopped meeting keeps its history; its leaders no longer see its members.
    is_active = models.BooleanField(_("在运作"), default=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "group": "id"}

    class Meta:
        verbose_name = verbose_name_plural = _("团队")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="group_unique_name"),
            _leader_is_not_deputy("group_leader_is_not_deputy"),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """One period of one resident in one group: from `joined_on` until `left_on` (still a member while
    it is empty). Periods of the same person in the same group never overlap: the database allows one
    open period, services_groups checks the closed ones."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members", verbose_name=_("团队"))
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="group_memberships", verbose_name=_("居民")
    )
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "group_member": "resident_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("团队成员")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "resident"],
                condition=Q(left_on__isnull=True),
                name="group_member_one_current",
            ),
            models.UniqueConstraint(
                fields=["group", "resident", "joined_on"], name="group_member_one_period_per_start"
            ),
            models.CheckConstraint(
                name="group_member_leaves_after_joining",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.resident}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class BuildingGroup(models.Model):
    """楼组: the residents' own organisation of one building, or of one entrance (门洞) of it.

    `building` is kept for entrance-level groups too, so "the building groups of these buildings" needs
    no join and a leader's scope is the building either way. A building has either one group for the
    whole building or one per entrance (the database allows one of each kind; services_groups refuses
    to mix them).
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="building_groups", verbose_name=_("楼栋")
    )
    entrance = models.ForeignKey(
        Entrance,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="building_groups",
        verbose_name=_("单元"),
        help_text=_("按单元组建楼组时填写；整栋楼一个楼组时留空。"),
    )
    name = models.CharField(
        _("楼组名称"), max_length=30, blank=True, help_text=_("居民自己取的名字，例如 和美楼。")
    )
    leader = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_building_groups",
        verbose_name=_("楼组长"),
    )
    deputy = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_of_building_groups",
        verbose_name=_("副楼组长"),
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("楼组")
        ordering = ["building__sort_key", "building__number", "entrance__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(entrance__isnull=True),
                name="building_group_one_per_building",
            ),
            models.UniqueConstraint(fields=["entrance"], name="building_group_one_per_entrance"),
            _leader_is_not_deputy("building_group_leader_is_not_deputy"),
        ]

    def __str__(self) -> str:
        return self.name or self.place_label

    @property
    def place_label(self) -> str:
        """The building or entrance the group covers, e.g. 12号 or 12号2单元 (needs both joined in)."""
        return str(self.entrance) if self.entrance_id else str(self.building)


class LiftTrioMember(models.Model):
    """One of the 楼道加梯三人组: the three residents who carry a lift installation in their building
    (the talks, the door-to-door persuasion, the paperwork). Three seats, one person per seat."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    building_group = models.ForeignKey(
        BuildingGroup, on_delete=models.CASCADE, related_name="trio", verbose_name=_("楼组")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="lift_trio_seats", verbose_name=_("居民")
    )
    seat = models.PositiveSmallIntegerField(_("序号"))
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "building_group__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("加梯三人组成员")
        ordering = ["building_group", "seat"]
        constraints = [
            models.UniqueConstraint(fields=["building_group", "seat"], name="lift_trio_one_per_seat"),
            models.UniqueConstraint(fields=["building_group", "resident"], name="lift_trio_once_each"),
            models.CheckConstraint(name="lift_trio_three_seats", condition=Q(seat__gte=1, seat__lte=3)),
        ]

    def __str__(self) -> str:
        return f"{self.building_group} · {self.resident}"
