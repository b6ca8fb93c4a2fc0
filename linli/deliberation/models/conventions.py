"""Conventions (楼组公约 / 居民公约): a building group's or the whole community's own rules, drafted in
numbered versions, discussed (献言献策), adopted, then signed household by household.

A convention covers some buildings (`buildings`) or, when it names none, the whole community. Its text
is never edited in place: each change is a new `ConventionVersion`, so any two drafts can be compared and
the adopted text stays exactly what was adopted. Signatures belong to households, one per convention
(a database constraint), whoever in the household signs and whether online or recorded by staff.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.registry.models import Building, Household, Resident


class ConventionStatus(models.TextChoices):
    DRAFTING = "drafting", _("起草中")
    ADOPTED = "adopted", _("已通过")


class Convention(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    title = models.CharField(_("标题"), max_length=100)
    buildings = models.ManyToManyField(
        Building,
        blank=True,
        related_name="conventions",
        verbose_name=_("适用楼栋"),
        help_text=_("楼组公约选择楼栋；不选则为全体居民的居民公约。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ConventionStatus.choices, default=ConventionStatus.DRAFTING
    )
    # Adoption: the version fixed, when and on what resolution; the vote (deliberation.Consultation) when
    # the residents decided by one, otherwise staff record the meeting's resolution reference.
    adopted_version = models.ForeignKey(
        "ConventionVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("通过的版本"),
    )
    consultation = models.ForeignKey(
        "deliberation.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_conventions",
        verbose_name=_("表决"),
        help_text=_("通过公约的那次表决（如有）。"),
    )
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    resolution = models.CharField(
        _("决议依据"), max_length=200, blank=True, help_text=_("例如 2026年3月居民会议决议")
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=["buildings"])

    scope_paths = {"community": "community_id", "building": "buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("公约")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="convention_adopted_has_version",
                condition=Q(status="drafting") | Q(adopted_version__isnull=False, adopted_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_adopted(self) -> bool:
        return self.status == ConventionStatus.ADOPTED


class ConventionVersion(models.Model):
    """One draft of the text, numbered 1, 2, 3 … within its convention; never changed once written."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="versions", verbose_name=_("公约")
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    text = models.TextField(_("正文"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "convention__buildings__id"}

    class Meta:
        verbose_name = verbose_name_plural = _("公约版本")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="convention_version_unique_number"),
            models.CheckConstraint(name="convention_version_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.convention} · 第{self.number}稿"


class SuggestionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("建议")
    COMMENT = "comment", _("评论")


class ConventionSuggestion(models.Model):
    """献言献策: a resident's suggestion on a draft, or a comment; staff may answer."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("公约")
    )
    version = models.ForeignKey(
        ConventionVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("针对版本"),
    )
    kind = models.CharField(
        _("类型"), max_length=12, choices=SuggestionKind.choices, default=SuggestionKind.SUGGESTION
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("提出人"),
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("户")
    )
    text = models.TextField(_("内容"))
    answer = models.TextField(_("答复"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "convention__buildings__id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("献言献策")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:30]


class SignatureMethod(models.TextChoices):
    ONLINE = "online", _("线上签署")
    STAFF = "staff", _("工作人员登记")


class ConventionSignature(models.Model):
    """A household's signature under an adopted convention: one per household (database constraint)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("公约")
    )
    version = models.ForeignKey(
        ConventionVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("签署版本")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="convention_signatures", verbose_name=_("户")
    )
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("签署人")
    )
    method = models.CharField(_("方式"), max_length=10, choices=SignatureMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    signed_at = models.DateTimeField(_("签署时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "household__flat__building_id",
        "household": "household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("公约签署")
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "household"], name="convention_signature_one_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convention} · {self.household_id}"
