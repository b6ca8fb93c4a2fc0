"""Consultations and votes: the one engine every vote runs on (a building's 意见征询, the lift's owners' vote).

The rules that must hold whatever the code above does live in the database:
- one ballot per voter (`Ballot.voter` is one-to-one), so two racing submissions cannot both land;
- one answer per question per ballot for approve/single questions (`Answer.exclusive`, copied from the
  question when the answer is written, carries the condition of a partial unique constraint), and never
  the same choice twice on one ballot;
- the electorate is fixed when the consultation opens (`Voter` rows, each a resident XOR an owner, one row
  per person per consultation), with its weight as an exact fraction (numerator/denominator), never a float;
- a paper or doorstep ballot carries its photo, a proxy ballot its proxy's name and written authorisation.

Ballots have no history: they are written once and never changed (services_votes refuses, and logs, any
attempt after the close in `VoteAttemptLog`). The consultation itself changes (draft → open → closed) and
keeps its history.
"""

from __future__ import annotations

from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community


class Electorate(models.TextChoices):
    RESIDENTS = "residents", _("居民（年满18周岁的在住居民）")
    OWNERS = "owners", _("业主（产权人）")
    GROUP_MEMBERS = "group_members", _("小组成员")


class Weighting(models.TextChoices):
    HEADCOUNT = "headcount", _("按人数（一人一票）")
    AREA = "area", _("按专有部分面积")


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Consultation(models.Model):
    """意见征询/表决: who may vote (electorate and its place), how votes weigh, when, and by which rule it
    passes (`threshold`, a key of deliberation.thresholds.RULES). No buildings and no group: the whole
    community."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("居民区")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    electorate = models.CharField(
        _("投票人范围"), max_length=20, choices=Electorate.choices, default=Electorate.RESIDENTS
    )
    buildings = models.ManyToManyField(
        "registry.Building", blank=True, related_name="consultations", verbose_name=_("楼栋（空为全居民区）")
    )
    group = models.ForeignKey(
        "organizing.Group",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("小组"),
    )
    # One entrance (门洞) instead of whole buildings: a lift is decided by the owners of the entrance it serves.
    entrance = models.ForeignKey(
        "registry.Entrance",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("单元（门洞）"),
    )
    weighting = models.CharField(
        _("计票方式"), max_length=10, choices=Weighting.choices, default=Weighting.HEADCOUNT
    )
    threshold = models.CharField(_("通过规则"), max_length=40, default="simple_majority")
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    opened_at = models.DateTimeField(_("实际开始时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("实际结束时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=["buildings"])

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("意见征询")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=~Q(electorate="group_members") | Q(group__isnull=False),
                name="consultation_group_vote_names_group",
            ),
            models.CheckConstraint(
                condition=Q(weighting="headcount") | Q(electorate="owners"),
                name="consultation_area_weighting_only_for_owners",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="consultation_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == ConsultationStatus.CLOSED


class QuestionKind(models.TextChoices):
    APPROVE = "approve", _("同意/不同意/弃权")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")


class Question(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions", verbose_name=_("意见征询")
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(
        _("类型"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.APPROVE
    )
    history = HistoricalRecords()

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("问题")
        ordering = ["consultation", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="question_unique_position")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def exclusive(self) -> bool:
        return self.kind != QuestionKind.MULTIPLE


class Choice(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("问题")
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=1)
    text = models.CharField(_("选项"), max_length=200)
    # For approve questions: which choice counts as "in favour" for the threshold rules.
    in_favour = models.BooleanField(_("计为同意"), default=False)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("选项")
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="choice_unique_position")
        ]

    def __str__(self) -> str:
        return self.text


class Voter(models.Model):
    """One member of the electorate, fixed when the consultation opens: a resident (residents', group
    members' votes) or an owner (owners' votes), with the household/flat they vote for and their weight
    (1 by headcount; Σ flat area × ownership share by area) as an exact fraction."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="voters", verbose_name=_("意见征询")
    )
    resident = models.ForeignKey(
        "registry.Resident",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("居民"),
    )
    owner = models.ForeignKey(
        "registry.Owner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("产权人"),
    )
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("户"),
    )
    flat = models.ForeignKey(
        "registry.Flat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("房屋"),
    )
    building = models.ForeignKey(
        "registry.Building",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("楼栋"),
    )
    weight_numerator = models.BigIntegerField(_("权重分子"), default=1)
    weight_denominator = models.BigIntegerField(_("权重分母"), default=1)

    scope_paths = {"community": "community_id", "building": "building_id", "household": "household_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("投票人")
        ordering = ["consultation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(resident__isnull=False) & Q(owner__isnull=True))
                | (Q(resident__isnull=True) & Q(owner__isnull=False)),
                name="voter_resident_xor_owner",
            ),
            models.UniqueConstraint(
                fields=["consultation", "resident"],
                condition=Q(resident__isnull=False),
                name="voter_unique_resident",
            ),
            models.UniqueConstraint(
                fields=["consultation", "owner"], condition=Q(owner__isnull=False), name="voter_unique_owner"
            ),
            models.CheckConstraint(
                condition=Q(weight_numerator__gt=0) & Q(weight_denominator__gt=0),
                name="voter_weight_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        person = self.resident if self.resident_id else self.owner
        return person.name if person is not None else ""

    @property
    def weight(self) -> Fraction:
        return Fraction(self.weight_numerator, self.weight_denominator)


class BallotMethod(models.TextChoices):
    ONLINE = "online", _("本人网上投票")
    PAPER = "paper", _("纸质表决票（工作人员录入）")
    PROXY = "proxy", _("委托投票（书面委托书）")
    DOORSTEP = "doorstep", _("上门代填（志愿者记录）")


class Ballot(models.Model):
    """One voter's ballot. Written once (services_votes.ballot_cast) and never changed."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("意见征询")
    )
    voter = models.OneToOneField(
        Voter, on_delete=models.PROTECT, related_name="ballot", verbose_name=_("投票人")
    )
    method = models.CharField(_("投票方式"), max_length=10, choices=BallotMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    cast_at = models.DateTimeField(_("投票时间"), auto_now_add=True)
    photo = models.FileField(_("签字表决票照片"), upload_to="votes/ballots/%Y/%m/", blank=True)
    proxy_name = models.CharField(_("受托人姓名"), max_length=50, blank=True)
    proxy_document = models.FileField(_("书面委托书"), upload_to="votes/proxies/%Y/%m/", blank=True)

    scope_paths = {
        "community": "community_id",
        "building": "voter__building_id",
        "household": "voter__household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("表决票")
        ordering = ["consultation", "cast_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method__in=["paper", "doorstep"]) | ~Q(photo=""), name="ballot_paper_has_photo"
            ),
            models.CheckConstraint(
                condition=~Q(method="proxy") | (~Q(proxy_name="") & ~Q(proxy_document="")),
                name="ballot_proxy_has_authorisation",
            ),
            models.CheckConstraint(
                condition=~Q(method="online") | Q(recorded_by__isnull=False),
                name="ballot_online_has_voter_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.voter}"


class Answer(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="answers", verbose_name=_("表决票")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("问题")
    )
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, related_name="answers", verbose_name=_("选项")
    )
    exclusive = models.BooleanField(default=True, editable=False)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("表决意见")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "choice"], name="answer_unique_choice"),
            models.UniqueConstraint(
                fields=["ballot", "question"],
                condition=Q(exclusive=True),
                name="answer_one_per_exclusive_question",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} · {self.choice}"


class VoteAttemptLog(models.Model):
    """A refused attempt to cast or change a ballot (after the close, a second ballot, an ineligible voter):
    who tried, on what, when and why. Written outside the refused transaction so it survives it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="refused_attempts", verbose_name=_("意见征询")
    )
    voter = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("投票人")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.CharField(_("原因"), max_length=200)
    method = models.CharField(_("投票方式"), max_length=10, blank=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("被拒绝的投票操作")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.consultation} · {self.reason}"
