"""The cost-sharing plan of a project: its inputs as agreed (cost, subsidy, funds, coefficients,
exemptions) and the shares computed from them by `linli.elevators.rules_cost`, stored so the table the
owners sign never changes under them when a flat's record is edited later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community, PolicyVersion
from linli.elevators.models.projects import LiftProject
from linli.registry.models import Flat


class CostMethod(models.TextChoices):
    AREA = "area", _("按楼层系数×面积")
    FLAT = "flat", _("按楼层系数（每户）")


class CostPlan(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.OneToOneField(
        LiftProject, on_delete=models.CASCADE, related_name="cost_plan", verbose_name=_("加梯项目")
    )
    total_cost = models.DecimalField(_("工程总价（元）"), max_digits=12, decimal_places=2)
    eligible_cost = models.DecimalField(_("可补贴费用（元）"), max_digits=12, decimal_places=2)
    other_funds = models.DecimalField(_("其他资金（元）"), max_digits=12, decimal_places=2, default=0)
    other_funds_note = models.CharField(
        _("其他资金来源"), max_length=200, blank=True, help_text=_("维修资金、公积金提取、捐助等")
    )
    subsidy = models.DecimalField(_("政府补贴（元）"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("业主应筹（元）"), max_digits=12, decimal_places=2)
    method = models.CharField(
        _("分摊方式"), max_length=6, choices=CostMethod.choices, default=CostMethod.AREA
    )
    coefficients = models.JSONField(_("楼层系数"), default=dict)
    exemptions = models.JSONField(_("减免"), default=dict, blank=True)
    rule_text = models.JSONField(_("分摊规则说明"), default=list)
    policy = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("依据的政策版本")
    )
    notice = models.ForeignKey(
        "deliberation.Notice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("公示"),
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("计算人"),
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("费用分摊方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(total_cost__gte=0, eligible_cost__gte=0, other_funds__gte=0, amount__gte=0),
                name="lift_cost_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.amount}"


class CostShare(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    plan = models.ForeignKey(
        CostPlan, on_delete=models.CASCADE, related_name="shares", verbose_name=_("方案")
    )
    flat = models.ForeignKey(Flat, on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋"))
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("面积（㎡）"), max_digits=7, decimal_places=2)
    coefficient = models.DecimalField(_("系数"), max_digits=5, decimal_places=2)
    share = models.DecimalField(_("分摊金额（元）"), max_digits=12, decimal_places=2)
    payer = models.CharField(_("支付方"), max_length=20)
    fund = models.CharField(_("资金名称"), max_length=50, blank=True)

    scope_paths = {"community": "community_id", "building": "plan__project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("分摊明细")
        ordering = ["plan", "floor", "flat"]
        constraints = [models.UniqueConstraint(fields=["plan", "flat"], name="lift_cost_share_once")]

    def __str__(self) -> str:
        return f"{self.flat} · {self.share}"
