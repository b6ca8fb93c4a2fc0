"""Forms of the volunteer, service-hour, duty and talent pages. They parse the shape of the input only;
the rules live in organizing.services_volunteers, whose DomainError goes back onto the form with
`add_domain_error`. Choices that depend on who asks (groups, residents, sign-ins) come from the view."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.organizing.models import SkillCategory, Willingness
from linli.organizing.models.volunteers import DAY_LABELS, DAYS, PART_LABELS, PARTS, SLOTS
from linli.organizing.selectors_volunteers import TalentFilters, VolunteerFilters
from linli.organizing.services_volunteers import (
    DutyData,
    ServiceRecordData,
    TalentData,
    VolunteerChange,
    VolunteerData,
)
from linli.registry.forms import DATE_WIDGET, InlineSelect, add_domain_error  # noqa: F401 (re-exported)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class AvailabilityField(forms.MultipleChoiceField):
    """The 7 × 3 grid of day and part-of-day checkboxes (rendered by
    organizing/partials/volunteer_availability_grid.html)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("可服务时段"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("勾选通常有空的时段，排班时会参考。"))
        super().__init__(choices=[(s, s) for s in SLOTS], widget=forms.CheckboxSelectMultiple, **kwargs)
        self.error_messages["invalid_choice"] = _("不认识的时段：%(value)s。")


def availability_rows(value) -> list[dict]:
    """The grid as rows per part of the day, each with one cell per day: {code, checked}."""
    chosen = set(value or [])
    return [
        {
            "label": PART_LABELS[part],
            "cells": [
                {"code": f"{day}_{part}", "checked": f"{day}_{part}" in chosen, "day": DAY_LABELS[day]}
                for day in DAYS
            ],
        }
        for part in PARTS
    ]


class VolunteerFilterForm(forms.Form):
    """GET filters of the volunteer list; an invalid value is dropped, never an error page."""

    q = forms.CharField(
        label=_("查找志愿者"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("姓名、拼音或首字母"), "autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("current", _("在册")), ("left", _("已退出")), ("all", _("全部"))],
        widget=InlineSelect,
    )
    kind = forms.ChoiceField(
        label=_("来源"),
        required=False,
        choices=[("", _("全部")), ("resident", _("本社区居民")), ("outsider", _("社区外"))],
        widget=InlineSelect,
    )
    group = forms.TypedChoiceField(
        label=_("团队"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    minor = forms.ChoiceField(
        label=_("年龄"),
        required=False,
        choices=[("", _("不限")), ("yes", _("未成年（小先生）")), ("no", _("成年"))],
        widget=InlineSelect,
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部团队"))] + [(g.pk, g.name) for g in groups]

    def filters(self) -> VolunteerFilters:
        self.is_valid()
        data = self.cleaned_data
        return VolunteerFilters(
            q=data.get("q") or "",
            status=data.get("status") or "current",
            kind=data.get("kind") or "",
            group=data.get("group"),
            minor={"yes": True, "no": False}.get(data.get("minor") or ""),
        )


class VolunteerForm(forms.Form):
    """Register a volunteer: a resident found by name (radio buttons under the search), or an outsider."""

    resident = forms.TypedChoiceField(
        label=_("选择居民"), required=False, coerce=int, empty_value=None, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("姓名（社区外志愿者）"), required=False, max_length=50)
    phone = forms.CharField(
        label=_("手机号码（社区外志愿者）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    is_minor = forms.BooleanField(label=_("未满18周岁"), required=False)
    registered_on = forms.DateField(label=_("登记日期"), widget=DATE_WIDGET)
    user = forms.TypedChoiceField(
        label=_("登录账号"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=InlineSelect,
        help_text=_("关联后，志愿者登录即可看到自己的值班和服务时长。"),
    )
    availability = AvailabilityField()
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, residents, users, may_add_outsider: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = list(residents)  # (id, label) pairs from the view
        self.fields["user"].choices = [("", _("不关联"))] + [(u.pk, f"{u} ({u.username})") for u in users]
        if not users:
            del self.fields["user"]
        if not may_add_outsider:
            for name in ("name", "phone", "is_minor"):
                del self.fields[name]
        self.initial.setdefault("registered_on", timezone.localdate())

    def data_for_service(self) -> VolunteerData:
        d = self.cleaned_data
        return VolunteerData(
            registered_on=d.get("registered_on"),
            resident_id=d.get("resident"),
            name=d.get("name") or "",
            phone=d.get("phone") or "",
            is_minor=bool(d.get("is_minor")),
            user_id=d.get("user"),
            availability=d.get("availability") or [],
            note=d.get("note") or "",
        )


class VolunteerChangeForm(forms.Form):
    availability = AvailabilityField()
    phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, outsider: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not outsider:
            del self.fields["phone"]

    def data_for_service(self) -> VolunteerChange:
        d = self.cleaned_data
        return VolunteerChange(
            availability=d.get("availability") or [],
            note=d.get("note") or "",
            phone=d.get("phone") if "phone" in self.fields else None,
        )


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("退出日期"), widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("left_on", timezone.localdate())


class ServiceRecordForm(forms.Form):
    date = forms.DateField(label=_("服务日期"), widget=DATE_WIDGET)
    # Text, not a DecimalField: check_hours gives the Chinese messages for every bad value (form and API).
    hours = forms.CharField(
        label=_("时长（小时）"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "1.5"}),
    )
    activity = forms.CharField(
        label=_("服务内容"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("例如：陪独居老人聊天、量血压")}),
    )
    group = forms.TypedChoiceField(
        label=_("团队"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    confirm = forms.BooleanField(label=_("同时确认这条记录"), required=False, initial=True)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, groups, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(g.pk, g.name) for g in groups]
        self.fields["group"].choices = ([("", _("不属于团队活动"))] if staff else []) + choices
        if not staff and len(choices) == 1:
            self.initial.setdefault("group", choices[0][0])
        self.initial.setdefault("date", timezone.localdate())
        self.fields["hours"].error_messages["required"] = _("请填写服务时长（小时），例如 1.5。")
        self.fields["activity"].error_messages["required"] = _("请填写服务内容，例如“陪独居老人聊天”。")

    def data_for_service(self) -> ServiceRecordData:
        d = self.cleaned_data
        return ServiceRecordData(
            date=d.get("date"),
            hours=d.get("hours"),
            activity=d.get("activity") or "",
            group_id=d.get("group"),
            note=d.get("note") or "",
            confirm=bool(d.get("confirm")),
        )


class DutyForm(forms.Form):
    task = forms.CharField(
        label=_("任务"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("例如：楼道巡查")})
    )
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    group = forms.TypedChoiceField(
        label=_("团队"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )

    def __init__(self, *args, groups, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(g.pk, g.name) for g in groups]
        self.fields["group"].choices = ([("", _("不属于团队"))] if staff else []) + choices
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        self.initial.setdefault("starts_at", dt.datetime.combine(tomorrow, dt.time(9)))
        self.initial.setdefault("ends_at", dt.datetime.combine(tomorrow, dt.time(11)))

    def data_for_service(self) -> DutyData:
        d = self.cleaned_data
        return DutyData(
            task=d.get("task") or "",
            place=d.get("place") or "",
            starts_at=d.get("starts_at"),
            ends_at=d.get("ends_at"),
            group_id=d.get("group"),
        )


class TalentForm(forms.Form):
    skills = forms.MultipleChoiceField(
        label=_("特长"),
        required=False,
        choices=SkillCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("特长说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("例如：退休电工，会修水管和电路；会拉二胡")}
        ),
    )
    willingness = forms.ChoiceField(
        label=_("服务意愿"), choices=Willingness.choices, widget=forms.RadioSelect
    )
    availability = AvailabilityField()

    def data_for_service(self) -> TalentData:
        d = self.cleaned_data
        return TalentData(
            skills=d.get("skills") or [],
            description=d.get("description") or "",
            availability=d.get("availability") or [],
            willingness=d.get("willingness") or "",
        )


class TalentFilterForm(forms.Form):
    skill = forms.ChoiceField(label=_("特长"), required=False, widget=InlineSelect)
    building = forms.TypedChoiceField(
        label=_("楼栋"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    q = forms.CharField(
        label=_("姓名或说明"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    willing_only = forms.BooleanField(label=_("只看愿意服务的"), required=False)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("全部特长"))] + list(SkillCategory.choices)
        self.fields["building"].choices = [("", _("全部楼栋"))] + [(b.pk, str(b)) for b in buildings]

    def filters(self) -> TalentFilters:
        self.is_valid()
        d = self.cleaned_data
        return TalentFilters(
            skill=d.get("skill") or "",
            building=d.get("building"),
            q=d.get("q") or "",
            willing_only=bool(d.get("willing_only")),
        )


class LeaderboardSettingsForm(forms.Form):
    show_leaderboard = forms.BooleanField(label=_("向团队负责人、楼组长和志愿者公开排行榜"), required=False)
