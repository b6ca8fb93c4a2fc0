"""Forms of the meeting pages. They parse the shape of the input; the rules live in services_meetings,
whose DomainError is put back on the form (`add_domain_error`). Choices (buildings, residents, task
owners) come from the view, out of the selectors, so a form never offers a row outside the scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.deliberation.models import MeetingLevel, MeetingStatus
from linli.deliberation.services_meetings import MeetingData, VoteCounts
from linli.organizing.forms_groups import person_label
from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
AGENDA_HELP = _("每行一项议题，按顺序排列。")


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=100)
    level = forms.ChoiceField(label=_("层级"), choices=MeetingLevel.choices, widget=forms.RadioSelect)
    buildings = forms.TypedMultipleChoiceField(
        label=_("楼栋"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("楼组会议选择所涉及的楼栋；居民区会议不选。"),
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=MeetingStatus.choices, initial=MeetingStatus.PLANNED)
    agenda = forms.CharField(
        label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=AGENDA_HELP
    )

    def __init__(self, *args, buildings, community_level: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = [(b.pk, str(b)) for b in buildings]
        if not community_level:
            self.fields["level"].choices = [(MeetingLevel.BUILDING, MeetingLevel.BUILDING.label)]
            self.fields["level"].initial = MeetingLevel.BUILDING

    def meeting_data(self) -> MeetingData:
        d = self.cleaned_data
        return MeetingData(
            title=d["title"],
            starts_at=d["starts_at"],
            level=d["level"],
            building_ids=list(d.get("buildings") or []),
            place=d.get("place", ""),
            status=d["status"],
        )

    def agenda_items(self) -> list[tuple[str, str]]:
        lines = (self.cleaned_data.get("agenda") or "").splitlines()
        return [(line.strip(), "") for line in lines if line.strip()]


class InviteesForm(forms.Form):
    residents = forms.TypedMultipleChoiceField(
        label=_("参会人"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residents"].choices = [(r.pk, person_label(r)) for r in candidates]


class MinutesForm(forms.Form):
    text = forms.CharField(
        label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 14}), required=False, max_length=50_000
    )
    approve = forms.BooleanField(
        label=_("审定记录"), required=False, help_text=_("审定后会议记录不能再修改。")
    )


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("决议内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    entitled = forms.IntegerField(label=_("应到人数"), min_value=0, max_value=100_000)
    present = forms.IntegerField(label=_("实到人数"), min_value=0, max_value=100_000)
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0, max_value=100_000)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0, max_value=100_000, initial=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0, max_value=100_000, initial=0)

    def counts(self) -> VoteCounts:
        d = self.cleaned_data
        return VoteCounts(
            entitled=d["entitled"],
            present=d["present"],
            votes_for=d["votes_for"],
            votes_against=d["votes_against"],
            votes_abstain=d["votes_abstain"],
        )


class TaskForm(forms.Form):
    text = forms.CharField(label=_("事项"), max_length=200)
    owner = forms.TypedChoiceField(label=_("负责人"), coerce=int)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE_WIDGET)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("请选择"))] + [(u.pk, str(u)) for u in owners]
