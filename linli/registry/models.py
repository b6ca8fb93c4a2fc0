"""Who lives where: estates, buildings, entrances, flats, households, residents and owners.

Every row carries its community so the data can be filtered (and later distributed) by tenant, and
each model names its `scope_paths` for the scoping layer (linli.core.scope).
"""

import datetime as dt
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.crypto import EncryptedCharField
from linli.core.models import Community


class Estate(models.Model):
    """小区"""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="estates", verbose_name=_("居民区")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("小区")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name")]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """幢/号: a walk-up or tower in an estate."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("居民区")
    )
    estate = models.ForeignKey(
        Estate, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("小区")
    )
    number = models.CharField(_("楼号"), max_length=20, help_text=_("例如 12 或 12号"))
    sort_key = models.PositiveIntegerField(_("排序"), default=0)
    floors = models.PositiveSmallIntegerField(_("层数"))
    built_year = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "id"}

    class Meta:
        verbose_name = verbose_name_plural = _("楼栋")
        ordering = ["sort_key", "number"]
        constraints = [models.UniqueConstraint(fields=["estate", "number"], name="building_unique_number")]

    def __str__(self) -> str:
        return building_label(self.number)

    @property
    def floors_label(self) -> str:
        """The floor count as a building tile shows it, e.g. 6层 (cheaper than a blocktranslate per tile)."""
        return ngettext("%(floors)s层", "%(floors)s层", self.floors) % {"floors": self.floors}


def building_label(number: str) -> str:
    """A building by its number (what `str(building)` shows), for lists that read plain values."""
    # Translators: a building by its number, e.g. 12号.
    return gettext("%(number)s号") % {"number": number} if number.isdigit() else number


class Entrance(models.Model):
    """门洞/单元: lifts are installed per entrance."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="entrances", verbose_name=_("楼栋")
    )
    number = models.PositiveSmallIntegerField(_("单元号"))
    has_lift = models.BooleanField(_("已有电梯"), default=False)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("单元")
        ordering = ["building", "number"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="entrance_unique_number")]

    def __str__(self) -> str:
        return gettext("%(building)s%(number)s单元") % {"building": self.building, "number": self.number}


class Flat(models.Model):
    """室: one dwelling. `building` repeats the entrance's building so floor grids need no join."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="flats", verbose_name=_("楼栋")
    )
    entrance = models.ForeignKey(
        Entrance, on_delete=models.CASCADE, related_name="flats", verbose_name=_("单元")
    )
    floor = models.SmallIntegerField(_("楼层"))
    number = models.CharField(_("室号"), max_length=10)
    area = models.DecimalField(_("建筑面积（㎡）"), max_digits=7, decimal_places=2)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("房屋")
        ordering = ["building", "entrance", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["entrance", "number"], name="flat_unique_number"),
            models.CheckConstraint(condition=Q(area__gt=0), name="flat_area_positive"),
        ]

    def __str__(self) -> str:
        # Translators: a flat's full address: the building, then the entrance and room (Flat.label).
        return gettext("%(building)s%(label)s") % {"building": self.building, "label": self.label}

    @property
    def label(self) -> str:
        return flat_label(self.entrance.number, self.number)


def flat_label(entrance_number: int, number: str) -> str:
    """A flat within its building, e.g. 2单元301室 (what `flat.label` shows), from plain values."""
    return gettext("%(entrance)s单元%(number)s室") % {"entrance": entrance_number, "number": number}


class Tenure(models.TextChoices):
    OWNER = "owner", _("自有住房")
    TENANT = "tenant", _("租住")
    PUBLIC = "public", _("公房承租")
    OTHER = "other", _("其他")


class Household(models.Model):
    """户: the people living together in a flat, owner-occupiers or tenants."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="households", verbose_name=_("居民区")
    )
    flat = models.ForeignKey(
        Flat, on_delete=models.PROTECT, related_name="households", verbose_name=_("房屋")
    )
    tenure = models.CharField(_("居住性质"), max_length=10, choices=Tenure.choices, default=Tenure.OWNER)
    is_active = models.BooleanField(_("在住"), default=True)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "flat__building_id", "household": "id"}

    class Meta:
        verbose_name = verbose_name_plural = _("户")
        indexes = [models.Index(fields=["flat", "is_active"])]

    def __str__(self) -> str:
        return gettext("%(flat)s户") % {"flat": self.flat}


class PartyBranch(models.Model):
    """党支部. Lives in the registry because party membership is a resident's attribute;
    the organizing app builds the branch's work on top of it."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="party_branches", verbose_name=_("居民区")
    )
    name = models.CharField(_("名称"), max_length=100)
    # The organizing app's branch configuration (organizing/services_groups.py) keeps this a current
    # party member of the community; a resident who moves out stays named here until it is changed.
    secretary = models.ForeignKey(
        "Resident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("支部书记"),
    )

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("党支部")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="branch_unique_name")]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A label on a resident (独居, 孤老, 高龄 …); shared by all communities so figures compare."""

    name = models.CharField(_("名称"), max_length=20, unique=True)
    sort_key = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = _("标签")
        ordering = ["sort_key", "name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class RegistrationType(models.TextChoices):
    LOCAL = "local", _("本市户籍")
    MIGRANT = "migrant", _("来沪人员")
    OVERSEAS = "overseas", _("境外人员")


class IdType(models.TextChoices):
    RESIDENT_ID = "ric", _("居民身份证")
    HMT_PERMIT = "hmt", _("港澳台居民居住证")
    FOREIGN_PR = "fpr", _("外国人永久居留身份证")
    PASSPORT = "passport", _("护照")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    OTHER_RELATIVE = "relative", _("其他亲属")
    OTHER = "other", _("其他")


class MoveOutReason(models.TextChoices):
    MOVED = "moved", _("迁出")
    DECEASED = "deceased", _("去世")
    OTHER = "other", _("其他")


class Resident(models.Model):
    """A person living in the community. Age is derived from the birth date, never stored.

    `name_pinyin` and `name_initials` are a search index kept by `registry.services` (赵阿姨 →
    "zhaoayi", "zay"). ID number and phone are encrypted; their keyed hashes find and de-duplicate.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="residents", verbose_name=_("居民区")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False)
    name_initials = models.CharField(max_length=50, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_type = models.CharField(
        _("证件类型"), max_length=10, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = EncryptedCharField(_("证件号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = EncryptedCharField(_("手机号码"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    registration_type = models.CharField(
        _("户籍类型"), max_length=10, choices=RegistrationType.choices, default=RegistrationType.LOCAL
    )
    relation = models.CharField(
        _("与户主关系"), max_length=10, choices=Relation.choices, default=Relation.HEAD
    )
    moved_in = models.DateField(_("迁入日期"), null=True, blank=True)
    moved_out = models.DateField(_("迁出日期"), null=True, blank=True)
    move_out_reason = models.CharField(
        _("迁出原因"), max_length=10, choices=MoveOutReason.choices, blank=True
    )
    party_joined = models.DateField(_("入党日期"), null=True, blank=True)
    party_full_member = models.DateField(_("转正日期"), null=True, blank=True)
    party_branch = models.ForeignKey(
        PartyBranch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("所在党支部"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="residents", verbose_name=_("标签"))
    notes = models.TextField(_("备注"), blank=True)
    # The resident's own sign-in, when they have one. Leading a building group or a group (organizing)
    # grants its scope to this user (linli.core.scope); only a current record can, so one per user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_records",
        verbose_name=_("登录账号"),
    )
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True, editable=False)
    # Each history row keeps the tags as they were (registry/history.py: one entry per write).
    history = HistoricalRecords(excluded_fields=["name_pinyin", "name_initials"], m2m_fields=["tags"])

    scope_paths = {
        "community": "community_id",
        "building": "household__flat__building_id",
        "household": "household_id",
        "group_member": "id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("居民")
        ordering = ["name_pinyin", "name_initials", "id"]
        indexes = [
            # Every list is one community's current residents in name order, filtered and cut to a page:
            # this index yields them already sorted, so PostgreSQL stops after one page of matches
            # instead of sorting the community (or walking a global name index across the district).
            # It holds both search keys, so counting a pinyin search reads the index alone.
            models.Index(
                fields=["community", "name_pinyin", "name_initials", "id"],
                condition=Q(moved_out__isnull=True),
                name="resident_current_by_name_v2",
            ),
            # Age bands (the list filter, the 60+ figures) count from the index alone.
            models.Index(
                fields=["community", "birth_date"],
                condition=Q(moved_out__isnull=True),
                name="resident_current_by_birth",
            ),
        ]
        constraints = [
            # The same person cannot live in two flats at once: one current record per ID number.
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=Q(moved_out__isnull=True) & ~Q(id_number_hash=""),
                name="resident_one_current_record_per_id",
            ),
            # A sign-in belongs to one living person: one current record per user (moved-out records
            # keep their link for the history, and grant nothing).
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(moved_out__isnull=True) & Q(user__isnull=False),
                name="resident_one_current_record_per_user",
            ),
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True)
                | Q(moved_in__isnull=True)
                | Q(moved_out__gte=models.F("moved_in")),
                name="resident_moves_out_after_moving_in",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age(self, on: dt.date | None = None) -> int:
        return age_on(self.birth_date, on or dt.date.today())

    @property
    def is_current(self) -> bool:
        return self.moved_out is None

    @property
    def is_party_member(self) -> bool:
        return self.party_joined is not None

    @property
    def is_minor(self) -> bool:
        return self.age() < 18


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


class Owner(models.Model):
    """产权人: a person on a flat's title. May live elsewhere, or be a resident here (`resident`)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="owners", verbose_name=_("居民区")
    )
    name = models.CharField(_("姓名"), max_length=50)
    resident = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ownerships_as_owner",
        verbose_name=_("本社区居民"),
    )
    id_number = EncryptedCharField(_("证件号码"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone = EncryptedCharField(_("联系电话"), blank=True)
    flats = models.ManyToManyField(Flat, through="Ownership", related_name="owners", verbose_name=_("房屋"))
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "ownerships__flat__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("产权人")

    def __str__(self) -> str:
        return self.name


class Ownership(models.Model):
    """An owner's share of one flat, as an exact fraction (co-owners of a flat sum to 1)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("产权人")
    )
    flat = models.ForeignKey(
        Flat, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("房屋")
    )
    share_numerator = models.PositiveSmallIntegerField(_("份额分子"), default=1)
    share_denominator = models.PositiveSmallIntegerField(_("份额分母"), default=1)
    history = HistoricalRecords()

    scope_paths = {"community": "community_id", "building": "flat__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("产权份额")
        constraints = [
            models.UniqueConstraint(fields=["owner", "flat"], name="ownership_unique"),
            models.CheckConstraint(
                condition=Q(share_numerator__gt=0) & Q(share_numerator__lte=models.F("share_denominator")),
                name="ownership_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.flat} · {self.share}"

    @property
    def share(self) -> Fraction:
        return Fraction(self.share_numerator, self.share_denominator)


class ConsentPurpose(models.TextChoices):
    REGISTRY = "registry", _("居民信息登记")
    CONTACT = "contact", _("通知联系")
    CARE = "care", _("关爱走访与健康记录")
    PHOTO = "photo", _("照片与宣传")
    OTHER = "other", _("其他")


class Consent(models.Model):
    """A person's consent to one use of their data (PIPL arts. 14, 29). For a child under 14 the consent
    is a guardian's (art. 31): `guardian` when the guardian is registered here, else their name."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="consents", verbose_name=_("居民")
    )
    purpose = models.CharField(_("用途"), max_length=20, choices=ConsentPurpose.choices)
    purpose_detail = models.CharField(_("用途说明"), max_length=200, blank=True)
    given_on = models.DateField(_("同意日期"))
    guardian = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents_as_guardian",
        verbose_name=_("监护人（本社区居民）"),
    )
    guardian_name = models.CharField(_("监护人姓名"), max_length=50, blank=True)
    guardian_relation = models.CharField(_("与本人关系"), max_length=20, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    note = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    scope_paths = {
        "community": "community_id",
        "building": "resident__household__flat__building_id",
        "household": "resident__household_id",
    }

    class Meta:
        verbose_name = verbose_name_plural = _("同意记录")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_purpose_display()}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    CHECKING = "checking", _("正在检查")
    CHECKED = "checked", _("检查完毕")
    IMPORTING = "importing", _("正在导入")
    DONE = "done", _("已导入")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", _("居民")
    FLATS = "flats", _("楼栋与房屋")


class ImportJob(models.Model):
    """One ledger file on its way in: uploaded, checked (the preview), then imported all or nothing.

    `content` (Fernet-encrypted) holds the uploaded file until it is checked, then the checked rows the
    preview showed (a residents import writes exactly those), and is dropped when the job ends: the ledger
    holds ID numbers and phones, and the registry is where they belong.
    """

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    kind = models.CharField(
        _("内容"), max_length=10, choices=ImportKind.choices, default=ImportKind.RESIDENTS
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容（加密）"), null=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    scope_paths = {"community": "community_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="importjob_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_status_display()}"
