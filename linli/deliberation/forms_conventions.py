"""Forms of the convention pages. They check the shape of the input; the rules live in
services_conventions, whose DomainError is put back on the form (`add_domain_error`). Building choices
come from the view (the scope), so a form never offers a building outside it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.deliberation.models import SuggestionKind
from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)


def building_choices(buildings) -> list:
    return [(b.pk, str(b)) for b in buildings]


class ConventionForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100, help_text=_("例如 1号楼楼组公约"))
    buildings = forms.TypedMultipleChoiceField(
        label=_("适用楼栋"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("楼组公约选择楼栋；不选则为全体居民的居民公约。"),
    )
    text = forms.CharField(
        label=_("正文（第1稿）"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = building_choices(buildings)


class VersionForm(forms.Form):
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 16}), max_length=20000)
    note = forms.CharField(
        label=_("修改说明"), max_length=200, required=False, help_text=_("例如 采纳居民建议，增加养犬条款")
    )


class SuggestionForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    kind = forms.ChoiceField(
        label=_("类型"), choices=SuggestionKind.choices, initial=SuggestionKind.SUGGESTION
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AdoptForm(forms.Form):
    version = forms.TypedChoiceField(label=_("通过的版本"), coerce=int)
    adopted_on = forms.DateField(label=_("通过日期"), widget=DATE_WIDGET)
    resolution = forms.CharField(
        label=_("决议依据"), max_length=200, help_text=_("例如 2026年3月12日 1号楼楼组会议表决通过")
    )
    consultation = forms.TypedChoiceField(
        label=_("表决"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("通过公约的那次线上表决（如有）。"),
    )

    def __init__(self, *args, versions, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [("", _("无（居民会议等）"))] + [
            (c.pk, c.title) for c in consultations
        ]
        self.fields["version"].choices = [(v.pk, _("第%(n)d稿") % {"n": v.number}) for v in versions]
        if versions:
            self.fields["version"].initial = versions[-1].pk


class SignatureRecordForm(forms.Form):
    household = forms.TypedChoiceField(label=_("户"), coerce=int)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [(h.pk, str(h.flat)) for h in households]
