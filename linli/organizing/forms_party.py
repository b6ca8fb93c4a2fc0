"""Forms of the party pages. Shape only: the rules are in `organizing.party` (dates) and
`organizing.services_party` (writes), whose DomainError goes back onto the form (`add_domain_error`).

Choices that depend on the community (branches, buildings, groups, residents) are passed in by the view
from the scoped selectors, so a form never offers a row outside the user's scope; the services check
the ids again.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.identity import mask_phone
from linli.organizing import party
from linli.organizing.selectors_party import InServiceFilters, PartyMemberFilters
from linli.organizing.services_party import InServiceData
from linli.registry.forms import DATE_WIDGET, InlineSelect, add_domain_error  # noqa: F401 (re-exported)

NO_BRANCH = "none"


def _year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("颁发年份"),
        min_value=party.MEDAL_FIRST_YEAR,
        max_value=party.MEDAL_LAST_YEAR,
        error_messages={
            "invalid": _("请填写年份，例如 2026。"),
            "min_value": _("“光荣在党50年”纪念章从2021年开始颁发，请填写2021年或以后的年份。"),
            "max_value": _("年份太大了，请核对。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class PartyMemberFilterForm(forms.Form):
    """The GET filters of the party member list. An invalid value is dropped, never an error page."""

    IDENTITY_CHOICES = [("", _("不限")), ("yes", _("已亮身份")), ("no", _("未亮身份"))]

    q = forms.CharField(
        label=_("查找党员"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("姓名、拼音或首字母"), "autocomplete": "off"}),
    )
    branch = forms.ChoiceField(label=_("党支部"), required=False, widget=InlineSelect)
    building = forms.TypedChoiceField(
        label=_("楼栋"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    medal_year = _year_field(
        required=False,
        help_text=_("只看该年“光荣在党50年”纪念章的建议人选（截至当年7月1日党龄满50年）。"),
    )
    identity = forms.ChoiceField(
        label=_("亮身份"), required=False, choices=IDENTITY_CHOICES, widget=InlineSelect
    )

    def __init__(self, *args, branches, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = (
            [("", _("全部党支部"))]
            + [(str(b.pk), b.name) for b in branches]
            + [(NO_BRANCH, _("未分配党支部"))]
        )
        self.fields["building"].choices = [("", _("全部楼栋"))] + [(b.pk, str(b)) for b in buildings]

    def filters(self) -> PartyMemberFilters:
        self.is_valid()
        data = self.cleaned_data  # only the fields that were valid
        branch = data.get("branch") or ""
        return PartyMemberFilters(
            q=data.get("q") or "",
            branch=int(branch) if branch.isdigit() else None,
            no_branch=branch == NO_BRANCH,
            building=data.get("building"),
            medal_year=data.get("medal_year"),
            shows_identity={"yes": True, "no": False}.get(data.get("identity") or ""),
        )

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return bool(
            f.q or f.branch or f.no_branch or f.building or f.medal_year or f.shows_identity is not None
        )


class MedalYearForm(forms.Form):
    """The year of the medal candidate list; a wrong year is shown as an error (the page stays up)."""

    year = _year_field()
    branch = forms.TypedChoiceField(
        label=_("党支部"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("全部党支部"))] + [(b.pk, b.name) for b in branches]


class InServiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("查找"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("姓名或工作单位"), "autocomplete": "off"}),
    )
    branch = forms.TypedChoiceField(
        label=_("报到党支部"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    include_left = forms.BooleanField(label=_("包括已离开的"), required=False)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("全部党支部"))] + [(b.pk, b.name) for b in branches]

    def filters(self) -> InServiceFilters:
        self.is_valid()
        data = self.cleaned_data
        return InServiceFilters(
            q=data.get("q") or "", branch=data.get("branch"), include_left=bool(data.get("include_left"))
        )


class InServiceForm(forms.Form):
    """Register (create) or correct (update, `member` given) an in-service party member.

    The phone is never sent back to the browser: on update the field starts empty and an empty field
    keeps the stored number, so the clear value does not sit in the page's HTML.
    The linked resident is picked from a search (`resident_q`): the view passes the matches in.
    """

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=30,
        widget=forms.TelInput(attrs={"autocomplete": "off"}),
        help_text=_("加密保存，页面上只显示部分数字。"),
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=100, help_text=_("组织关系所在的单位。"))
    resident_q = forms.CharField(
        label=_("查找本社区居民"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("姓名、拼音或首字母"), "autocomplete": "off"}),
        help_text=_("住在本居民区的，请找到并选中他的居民记录。"),
    )
    resident = forms.TypedChoiceField(
        label=_("本社区居民"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    branch = forms.TypedChoiceField(
        label=_("报到党支部"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    registered_on = forms.DateField(label=_("报到日期"), widget=DATE_WIDGET, initial=dt.date.today)
    services = forms.CharField(
        label=_("在社区的服务"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：每周六参加楼道巡查；为老人义务理发。"),
    )
    group = forms.TypedChoiceField(
        label=_("参加的团队"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    identity_post = forms.CharField(
        label=_("党员责任岗（亮身份）"),
        required=False,
        max_length=100,
        help_text=_("在服务中亮明党员身份的岗位，例如“垃圾分类督导岗”。不亮身份请留空。"),
    )
    left_on = forms.DateField(
        label=_("离开日期"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("不再在本社区服务时填写；登记记录会保留。"),
    )

    def __init__(self, *args, branches, groups, residents, member=None, identity_post="", **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["branch"].choices = [("", _("未指定（向居民区党组织报到）"))] + [
            (b.pk, b.name) for b in branches
        ]
        self.fields["group"].choices = [("", _("无"))] + [(g.pk, g.name) for g in groups]
        self.fields["resident"].choices = [("", _("不是本社区居民"))] + [
            (r.pk, resident_label(r)) for r in residents
        ]
        if member is None:
            del self.fields["left_on"]
        else:
            self.fields["phone"].help_text = (
                _("已登记：%(masked)s。留空则不修改。") % {"masked": mask_phone(member.phone)}
                if member.phone
                else _("尚未登记。")
            )
            self.fields["clear_phone"] = forms.BooleanField(label=_("删除已登记的手机号码"), required=False)
            if not self.is_bound:
                self.initial.update(
                    {
                        "name": member.name,
                        "work_unit": member.work_unit,
                        "resident": member.resident_id,
                        "branch": member.branch_id,
                        "registered_on": member.registered_on,
                        "left_on": member.left_on,
                        "services": member.services,
                        "group": member.group_id,
                        "identity_post": identity_post,
                    }
                )

    def in_service_data(self) -> InServiceData:
        data = self.cleaned_data
        phone = (data.get("phone") or "").strip()
        if self.member is not None and not phone and not data.get("clear_phone"):
            phone = self.member.phone
        return InServiceData(
            name=data["name"],
            phone=phone,
            work_unit=data["work_unit"],
            resident_id=data.get("resident"),
            branch_id=data.get("branch"),
            registered_on=data.get("registered_on"),
            left_on=data.get("left_on"),
            services=data.get("services") or "",
            group_id=data.get("group"),
            identity_post=data.get("identity_post") or "",
        )


def resident_label(resident) -> str:
    """A resident in the in-service form's choice: name, building and flat (to tell namesakes apart)."""
    flat = resident.household.flat
    return f"{resident.name} · {flat.building} {flat.label}"


class IdentityPostForm(forms.Form):
    post = forms.CharField(
        label=_("党员责任岗"),
        max_length=100,
        help_text=_("在服务中亮明党员身份的岗位，例如“楼道堆物巡查岗”“加梯协调岗”。"),
    )
    started_on = forms.DateField(label=_("亮身份起始日期"), widget=DATE_WIDGET, initial=dt.date.today)


class IdentityEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET, initial=dt.date.today)
