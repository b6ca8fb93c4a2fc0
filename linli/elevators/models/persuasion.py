"""Publicity and persuasion: policy talks and visits to finished lifts (who came, what they saw), and the
one-to-one visits to each flat's owners that move an entrance from "not contacted" to "signed".

A flat's current attitude is its latest visit's (by date, then entry); the entrance board and the funnel
read it from there, so a visit is never edited to change history — a new visit is recorded instead.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.elevators.models.projects import LiftProject
from linli.registry.models import Flat, Owner


class Attitude(models.TextChoices):
    SUPPORT = "support", _("支持")
    OPPOSE = "oppose", _("反对")
    UNDECIDED = "undecided", _("观望")
    UNCONTACTED = "uncontacted", _("未联系")


class Concern(models.TextChoices):
    LIGHT_NOISE = "light_noise", _("低层采光、噪音")
    COST = "cost", _("费用分摊")
    STRUCTURE = "structure", _("房屋结构安全")
    PRIVACY = "privacy", _("隐私（电梯平台对窗）")
    TENANCY = "tenancy", _("出租或不常住")
    MAINTENANCE = "maintenance", _("日后维护费用")
    CONSTRUCTION = "construction", _("施工期间影响")
    PARKING = "parking", _("占用绿化或车位")
    OTHER = "other", _("其他")


class BestPlaced(models.TextChoices):
    PARTY_MEMBER = "party_member", _("党员")
    BUILDING_LEADER = "building_leader", _("楼组长")
    RELATIVE = "relative", _("亲属")
    NEIGHBOUR = "neighbour", _("邻居")
    TRIO = "trio", _("加梯三人组")
    THINK_TANK = "think_tank", _("智囊团成员")
    STAFF = "staff", _("居委干部")


class OutreachKind(models.TextChoices):
    TALK = "talk", _("政策宣讲")
    SITE_VISIT = "site_visit", _("实地参观已建电梯")


class OutreachEvent(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="outreach", verbose_name=_("加梯项目")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=OutreachKind.choices)
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("主题"), max_length=100)
    place = models.CharField(
        _("地点/参观的电梯"), max_length=100, blank=True, help_text=_("参观时填写看的是哪里的已建电梯")
    )
    speaker = models.CharField(_("主讲人/带队人"), max_length=50, blank=True)
    attendees = models.ManyToManyField(Flat, blank=True, related_name="+", verbose_name=_("参加的住户"))
    other_attendees = models.CharField(_("其他参加人员"), max_length=200, blank=True)
    note = models.TextField(_("情况记录"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    history = HistoricalRecords(m2m_fields=["attendees"])

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("宣讲与参观")
        ordering = ["project", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PersuasionVisit(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="visits", verbose_name=_("加梯项目")
    )
    flat = models.ForeignKey(Flat, on_delete=models.CASCADE, related_name="+", verbose_name=_("房屋"))
    owner = models.ForeignKey(
        Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("产权人")
    )
    visited_on = models.DateField(_("走访日期"))
    visited_by = models.CharField(_("走访人"), max_length=50)
    attitude = models.CharField(_("态度"), max_length=12, choices=Attitude.choices)
    concerns = models.JSONField(_("顾虑"), default=list, blank=True)
    concern_note = models.CharField(_("顾虑说明"), max_length=300, blank=True)
    best_placed = models.CharField(_("最适合去谈的人"), max_length=16, choices=BestPlaced.choices, blank=True)
    best_placed_note = models.CharField(_("具体人选"), max_length=50, blank=True)
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    next_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("入户走访")
        ordering = ["project", "-visited_on", "-id"]
        indexes = [models.Index(fields=["project", "flat", "-visited_on"], name="lift_visit_latest")]

    def __str__(self) -> str:
        return f"{self.flat} · {self.get_attitude_display()}"
