"""Forms of publicity and persuasion. They parse; services_persuasion decides (its DomainError is put back
on the form with `add_domain_error`). The flats and owners offered come from the view (the project's
voting scope), so a form never offers a flat or an owner from elsewhere."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.elevators.models import Attitude, BestPlaced, Concern, OutreachKind
from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)


class VisitForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("谈话的产权人"), required=False, coerce=int, empty_value=None)
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_WIDGET)
    visited_by = forms.CharField(label=_("走访人"), max_length=50)
    attitude = forms.ChoiceField(label=_("态度"), choices=Attitude.choices, widget=forms.RadioSelect)
    concerns = forms.MultipleChoiceField(
        label=_("顾虑"), required=False, choices=Concern.choices, widget=forms.CheckboxSelectMultiple
    )
    concern_note = forms.CharField(
        label=_("顾虑说明"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    best_placed = forms.ChoiceField(
        label=_("最适合去谈的人"), required=False, choices=[("", "—")] + list(BestPlaced.choices)
    )
    best_placed_note = forms.CharField(
        label=_("具体人选"), required=False, max_length=50, help_text=_("例如 3楼党员王老师、女儿小李")
    )
    next_step = forms.CharField(label=_("下一步"), required=False, max_length=200)
    next_on = forms.DateField(label=_("下次跟进日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("（未指定）"))] + [(o.pk, o.name) for o in owners]

    def visit_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("owner")
        return data


class OutreachForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=OutreachKind.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("主题"), max_length=100)
    place = forms.CharField(
        label=_("地点/参观的电梯"),
        required=False,
        max_length=100,
        help_text=_("参观时填写看的是哪里的已建电梯"),
    )
    speaker = forms.CharField(label=_("主讲人/带队人"), required=False, max_length=50)
    attendees = forms.TypedMultipleChoiceField(
        label=_("参加的住户"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    other_attendees = forms.CharField(label=_("其他参加人员"), required=False, max_length=200)
    note = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, flats=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._flats = {f.pk: f for f in flats}
        self.fields["attendees"].choices = [(f.pk, f.label) for f in flats]

    def outreach_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["attendees"] = [self._flats[pk] for pk in data["attendees"]]
        return data
