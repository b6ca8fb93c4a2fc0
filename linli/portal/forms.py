"""The portal's forms: a phone, a code, an invitation code, who one is, a short text. Large inputs with
the phone keyboards they need (inputmode), and Chinese messages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        error_messages={"required": _("请输入手机号码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": _("11位手机号码")}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=12,
        error_messages={"required": _("请输入短信中的6位数字验证码。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class InviteForm(forms.Form):
    code = forms.CharField(
        label=_("户邀请码"),
        max_length=20,
        error_messages={"required": _("请输入户邀请码。")},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class ChooseForm(forms.Form):
    resident = forms.TypedChoiceField(
        label=_("我是"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择您是谁。"), "invalid_choice": _("请选择您是谁。")},
    )

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [(r.pk, r.name) for r in residents]


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("内容"),
        max_length=2000,
        error_messages={"required": _("请填写内容。"), "max_length": _("内容太长，请不超过2000字。")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class VoteForm(forms.Form):
    """One field per question: a single choice (radio buttons) or several (check boxes)."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            choices = [(c.pk, c.text) for c in q.choices.all()]
            messages = {"required": _("请回答这一题。"), "invalid_choice": _("请从列出的选项中选择。")}
            if q.exclusive:
                field = forms.TypedChoiceField(
                    coerce=int, choices=choices, widget=forms.RadioSelect, error_messages=messages
                )
            else:
                field = forms.TypedMultipleChoiceField(
                    coerce=int, choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=messages
                )
            field.label = f"{q.position}. {q.text}"
            self.fields[f"q_{q.pk}"] = field

    def answers(self) -> dict[int, list[int]]:
        result = {}
        for q in self.questions:
            value = self.cleaned_data[f"q_{q.pk}"]
            result[q.pk] = list(value) if isinstance(value, list) else [value]
        return result
