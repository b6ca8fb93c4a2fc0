"""Forms of the privacy pages: the reason asked before a reveal, and the filters of the audit and access
logs. Shape only; the rules are in registry/privacy.py and the audit selectors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.models import AccessAction
from linli.registry.privacy import REASON_CHOICES, REASON_MAX_LENGTH, REVEALABLE_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RevealForm(forms.Form):
    """Why the clear value is needed: a quick choice, a few words of one's own, or both."""

    field = forms.ChoiceField(choices=[(f, f) for f in REVEALABLE_FIELDS], widget=forms.HiddenInput)
    quick = forms.ChoiceField(
        label=_("查看理由"),
        required=False,
        choices=[(str(c), c) for c in REASON_CHOICES],
        # htmx moves the focus into the form it has just shown (keyboard and screen-reader users).
        widget=forms.RadioSelect(attrs={"autofocus": True}),
    )
    reason = forms.CharField(
        label=_("其他理由或补充说明"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("查看会被记录：谁、什么时候、看了什么、为什么。"),
    )

    def stated_reason(self) -> str:
        quick = self.cleaned_data.get("quick") or ""
        own = (self.cleaned_data.get("reason") or "").strip()
        if quick and own:
            return f"{quick}：{own}"
        return quick or own


class AuditFilterForm(forms.Form):
    """Filters of the community audit log. An invalid value is dropped, never an error page."""

    ACTION_CHOICES = [("", _("全部")), ("+", _("新建")), ("~", _("修改")), ("-", _("删除"))]

    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE_WIDGET)
    user = forms.TypedChoiceField(label=_("操作人"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label=_("记录类型"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=ACTION_CHOICES)

    def __init__(self, *args, users, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("全部"))] + [(u.pk, str(u)) for u in users]
        if "kind" in self.fields:
            self.fields["kind"].choices = [("", _("全部"))] + list(kinds)

    def value(self, name: str):
        """The cleaned value of one filter, or None when it was left out or is invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None


class AccessLogFilterForm(AuditFilterForm):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AccessAction.choices]
    )
    kind = None  # the access log has no record types

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, users=users, kinds=[], **kwargs)
