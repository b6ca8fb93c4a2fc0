"""Forms of the duty roster page: the period and slots with the volunteers taking part, a swap of two
shifts, a replacement on one shift. They parse input only; the rules are in services_roster / roster."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.errors import DomainError
from linli.elevators.roster import Slot
from linli.elevators.services_roster import DEFAULT_SLOTS, slot_make

DEFAULT_MAX_SHIFTS = 10
SLOT_LINE = re.compile(
    r"^\s*(?P<label>.*?)\s*(?P<start>\d{1,2}[:：]\d{2})\s*[-–—~至到]\s*(?P<end>\d{1,2}[:：]\d{2})\s*$"
)


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    for name, messages in error.errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


def default_slots_text() -> str:
    return "\n".join(f"{label} {start:%H:%M}-{end:%H:%M}" for label, start, end in DEFAULT_SLOTS)


def parse_slots(text: str) -> list[Slot]:
    """One slot a line, "上午 08:00-12:00" (the name may be left out)."""
    slots = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = SLOT_LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                _("无法识别时段“%(line)s”，请写成“上午 08:00-12:00”。") % {"line": line.strip()}
            )
        try:
            start, end = (
                dt.time.fromisoformat(match[part].replace("：", ":").zfill(5)) for part in ("start", "end")
            )
        except ValueError:
            raise forms.ValidationError(_("时段“%(line)s”的时间无效。") % {"line": line.strip()}) from None
        try:
            slots.append(slot_make(label=match["label"], start=start, end=end))
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
    if not slots:
        raise forms.ValidationError(_("请至少设置一个值守时段。"))
    return slots


def parse_dates(text: str) -> frozenset[dt.date]:
    days = set()
    for part in re.split(r"[\s,，、;；]+", text.strip()):
        if not part:
            continue
        try:
            days.add(dt.date.fromisoformat(part))
        except ValueError:
            raise forms.ValidationError(
                _("日期“%(part)s”无效，请写成 2026-05-01，多个日期用逗号分开。") % {"part": part}
            ) from None
    return frozenset(days)


class RosterForm(forms.Form):
    starts_on = forms.DateField(
        label=gettext_lazy("值守开始"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=gettext_lazy("值守结束"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    slots = forms.CharField(
        label=gettext_lazy("每天的值守时段"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "一行一个，例如“上午 08:00-12:00”。志愿者按其登记的上午/下午/晚上空闲时间排班。"
        ),
    )
    need = forms.IntegerField(label=gettext_lazy("每班人数"), min_value=1, max_value=10, initial=1)
    max_per_day = forms.IntegerField(
        label=gettext_lazy("每人每天最多班次"), min_value=1, max_value=5, initial=1
    )
    working_days_only = forms.BooleanField(
        label=gettext_lazy("仅在工作日值守（按国家法定节假日和调休）"), required=False, initial=True
    )

    def __init__(self, *args, volunteers, names, members=None, **kwargs):
        """`volunteers`: those who may be picked; `names`: their shown names by id; `members`: the
        current roster's members by volunteer id (pre-ticked, with their limits)."""
        super().__init__(*args, **kwargs)
        self.volunteers = volunteers
        self.names = names
        members = members or {}
        if not self.is_bound:
            self.fields["slots"].initial = default_slots_text()
        for v in volunteers:
            member = members.get(v.pk)
            self.fields[f"pick_{v.pk}"] = forms.BooleanField(
                label=names[v.pk], required=False, initial=member is not None
            )
            self.fields[f"max_{v.pk}"] = forms.IntegerField(
                label=gettext_lazy("最多班次"),
                min_value=0,
                max_value=500,
                required=False,
                initial=member.max_shifts if member else DEFAULT_MAX_SHIFTS,
            )
            self.fields[f"off_{v.pk}"] = forms.CharField(
                label=gettext_lazy("不能值班的日期"),
                required=False,
                initial=", ".join(member.unavailable) if member else "",
            )

    def clean_slots(self):
        return parse_slots(self.cleaned_data["slots"])

    def clean(self):
        data = super().clean()
        members = []
        for v in self.volunteers:
            if not data.get(f"pick_{v.pk}"):
                continue
            most = data.get(f"max_{v.pk}")
            if most is None:
                self.add_error(f"max_{v.pk}", _("请填写最多班次。"))
                continue
            try:
                off = parse_dates(data.get(f"off_{v.pk}") or "")
            except forms.ValidationError as error:
                self.add_error(f"off_{v.pk}", error)
                continue
            members.append((v, most, off))
        data["members"] = members
        return data

    def rows(self):
        """(name, pick, max, off) bound fields per volunteer, for the table."""
        return [
            (self.names[v.pk], self[f"pick_{v.pk}"], self[f"max_{v.pk}"], self[f"off_{v.pk}"], v)
            for v in self.volunteers
        ]


class SwapForm(forms.Form):
    assignment_a = forms.TypedChoiceField(label=gettext_lazy("班次甲"), coerce=int)
    assignment_b = forms.TypedChoiceField(label=gettext_lazy("与班次乙互换"), coerce=int)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment_a"].choices = choices
        self.fields["assignment_b"].choices = choices


class ReplaceForm(forms.Form):
    assignment = forms.TypedChoiceField(label=gettext_lazy("班次"), coerce=int)
    volunteer = forms.TypedChoiceField(label=gettext_lazy("由谁替班"), coerce=int)

    def __init__(self, *args, choices, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = choices
        self.fields["volunteer"].choices = members
