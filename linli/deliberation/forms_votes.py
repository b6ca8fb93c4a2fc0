"""Forms of the consultation pages. They parse input only; the rules live in services_votes."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.deliberation.models import BallotMethod, Electorate, QuestionKind, Weighting
from linli.deliberation.services_votes import QuestionSpec
from linli.deliberation.thresholds import rule_choices

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
MULTIPLE_MARK = ("[多选]", "【多选】", "[multiple]")  # the English help names the last one


def parse_questions(text: str) -> list[QuestionSpec]:
    """One question per line. "是否同意……？" alone is an approve question (同意/不同意/弃权);
    "清理时间：周六 / 周日" a single choice; a line starting 【多选】 a multiple choice."""
    specs = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        kind = QuestionKind.SINGLE
        for mark in MULTIPLE_MARK:
            if line.startswith(mark):
                line, kind = line[len(mark) :].strip(), QuestionKind.MULTIPLE
        head, sep, tail = line.replace(":", "：").partition("：")
        if not sep:
            specs.append(
                QuestionSpec(text=line, kind=QuestionKind.APPROVE if kind == QuestionKind.SINGLE else kind)
            )
            continue
        choices = tuple(c.strip() for c in tail.replace("／", "/").split("/") if c.strip())
        specs.append(QuestionSpec(text=head.strip(), kind=kind, choices=choices))
    return specs


class ConsultationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    electorate = forms.ChoiceField(label=gettext_lazy("投票人范围"), choices=Electorate.choices)
    buildings = forms.TypedMultipleChoiceField(
        label=gettext_lazy("楼栋"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("不选为全居民区。"),
    )
    group = forms.TypedChoiceField(label=gettext_lazy("小组"), required=False, coerce=int, empty_value=None)
    weighting = forms.ChoiceField(label=gettext_lazy("计票方式"), choices=Weighting.choices)
    threshold = forms.ChoiceField(label=gettext_lazy("通过规则"))
    opens_at = forms.DateTimeField(
        label=gettext_lazy("开始时间"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("截止时间"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    questions = forms.CharField(
        label=gettext_lazy("问题"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "每行一个问题。只写问题为“同意/不同意/弃权”；“问题：选项一 / 选项二”为单选；行首加【多选】为多选。"
        ),
    )

    def __init__(self, *args, buildings, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = [(b.pk, str(b)) for b in buildings]
        self.fields["group"].choices = [("", _("（小组成员表决时选择）"))] + [(g.pk, g.name) for g in groups]
        self.fields["threshold"].choices = rule_choices()

    def clean_questions(self):
        specs = parse_questions(self.cleaned_data["questions"])
        if not specs:
            raise forms.ValidationError(_("至少需要一个问题。"))
        return specs


class BallotForm(forms.Form):
    """The answers to each question (radio or checkboxes), and for entered ballots the method and its
    evidence. `methods` are those the user may use for this voter."""

    method = forms.ChoiceField(label=gettext_lazy("投票方式"), widget=forms.RadioSelect)
    photo = forms.FileField(label=gettext_lazy("签字表决票照片"), required=False)
    proxy_name = forms.CharField(label=gettext_lazy("受托人姓名"), max_length=50, required=False)
    proxy_document = forms.FileField(label=gettext_lazy("书面委托书（照片或PDF）"), required=False)

    def __init__(self, *args, questions, methods, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields["method"].choices = [(m, BallotMethod(m).label) for m in methods]
        self.fixed_method = methods[0] if len(methods) == 1 else None
        if self.fixed_method:  # one way to vote here (online, or a leader's doorstep): nothing to choose
            del self.fields["method"]
        if BallotMethod.PAPER not in methods and BallotMethod.DOORSTEP not in methods:
            del self.fields["photo"]
        if BallotMethod.PROXY not in methods:
            del self.fields["proxy_name"], self.fields["proxy_document"]
        for q in self.questions:
            choices = [(c.pk, c.text) for c in q.choices.all()]
            label = f"{q.position}. {q.text}"
            if q.exclusive:
                field = forms.TypedChoiceField(
                    label=label, choices=choices, coerce=int, widget=forms.RadioSelect
                )
            else:
                field = forms.TypedMultipleChoiceField(
                    label=label, choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple
                )
            field.error_messages["required"] = _("请回答这个问题。")
            self.fields[f"q{q.pk}"] = field

    def chosen_method(self) -> str:
        return self.fixed_method or self.cleaned_data.get("method") or ""

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def answers(self) -> dict[int, list[int]]:
        out = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.pk}")
            out[q.pk] = value if isinstance(value, list) else [value]
        return out
