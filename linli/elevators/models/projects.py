"""A lift installation project per entrance (门洞), its stages and their history, the people who carry it
and its documents.

Stages are per community (`Stage`): the default list of rules/lift.md is created with the community's
first project and may be renamed, reordered or extended there. The stages Linli's rules hang on carry a
`code` (e.g. the owners' vote on `consultation`, the permit limit on `start`); added stages have none.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.registry.models import Building, Entrance, Resident


class Stage(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("规则代码"), max_length=20, blank=True)
    name = models.CharField(_("阶段名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("加梯阶段")
        ordering = ["community", "position"]
        constraints = [
            models.UniqueConstraint(fields=["community", "position"], name="lift_stage_unique_position"),
            models.UniqueConstraint(
                fields=["community", "code"], condition=~Q(code=""), name="lift_stage_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("推进中")
    STOPPED = "stopped", _("已中止")
    FINISHED = "finished", _("已完成")


class VoteScope(models.TextChoices):
    ENTRANCE = "entrance", _("本单元（门洞）业主")
    BUILDING = "building", _("本幢业主")


class LiftProject(models.Model):
    """One entrance's lift, from the first survey to a running lift. `started_on` picks the policy
    version (thresholds, subsidy, notice days, permit limit) that decides its results."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="lift_projects", verbose_name=_("楼栋")
    )
    entrance = models.ForeignKey(
        Entrance, on_delete=models.CASCADE, related_name="lift_projects", verbose_name=_("单元")
    )
    started_on = models.DateField(_("启动日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    stopped_reason = models.CharField(_("中止原因"), max_length=200, blank=True)
    vote_scope = models.CharField(
        _("表决范围"), max_length=10, choices=VoteScope.choices, default=VoteScope.ENTRANCE
    )
    consultation = models.ForeignKey(
        "deliberation.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("业主表决"),
    )
    design_notice = models.ForeignKey(
        "deliberation.Notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("设计方案公示"),
    )
    estimated_cost = models.DecimalField(
        _("工程总价（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    permit_number = models.CharField(_("施工许可证号/开工报送编号"), max_length=50, blank=True)
    in_use_on = models.DateField(_("投入使用日期"), null=True, blank=True)
    registered_on = models.DateField(_("使用登记日期"), null=True, blank=True)
    lift_manager = models.CharField(_("电梯使用管理人"), max_length=50, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("加梯项目")
        ordering = ["building", "entrance"]
        constraints = [
            # One project under way per entrance; a stopped one may be followed by a new start.
            models.UniqueConstraint(
                fields=["entrance"], condition=~Q(status="stopped"), name="lift_project_one_per_entrance"
            ),
        ]

    def __str__(self) -> str:
        return str(self.entrance)


class StageRecord(models.Model):
    """A stage of one project: when it started and when it was completed (the stage history)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="stage_records", verbose_name=_("加梯项目")
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("阶段"))
    started_on = models.DateField(_("开始日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("阶段记录")
        ordering = ["project", "stage__position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="lift_stage_record_once"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="lift_stage_record_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.stage}"


class PersonRole(models.TextChoices):
    TRIO = "trio", _("加梯三人组")
    THINK_TANK = "think_tank", _("加梯智囊团")
    OWNER_REP = "owner_rep", _("业主代表")
    OTHER = "other", _("其他")


class ProjectPerson(models.Model):
    """Who carries the project: the building trio, think-tank advisers (a retired engineer, a lawyer),
    the owners' representative. A resident when they live here, else a name."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="people", verbose_name=_("加梯项目")
    )
    role = models.CharField(_("角色"), max_length=12, choices=PersonRole.choices)
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("居民")
    )
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("分工"), max_length=100, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("项目负责人")
        ordering = ["project", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} · {self.name}"


def _document_path(instance, filename: str) -> str:
    return f"lifts/{instance.community_id}/{instance.project_id}/docs/{filename}"


class ProjectDocument(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="documents", verbose_name=_("加梯项目")
    )
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("阶段")
    )
    title = models.CharField(_("文件名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to=_document_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("项目文件")
        ordering = ["project", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title
