"""Forms of the notice pages; the rules (period, attachment type and size) live in services_notices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.deliberation.forms_conventions import building_choices

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    text = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000)
    buildings = forms.TypedMultipleChoiceField(
        label=_("公示范围"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("选择楼栋；不选则向全体居民公示。"),
    )
    starts_at = forms.DateTimeField(label=_("公示开始"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("公示结束"), widget=DATETIME_WIDGET)
    files = MultipleFileField(
        label=_("附件"), required=False, help_text=_("PDF、JPG 或 PNG，每个不超过 10 MB，最多 10 个。")
    )

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = building_choices(buildings)


class ObjectionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
