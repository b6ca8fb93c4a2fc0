"""The preferences form: per kind of notification, how (instant, digest, off) and on which channels.
Choices of channels are the ones the site enables; the service checks them again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.notifications.models import ChannelName, Kind, Mode


class PreferencesForm(forms.Form):
    def __init__(self, *args, choices: dict, enabled: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(Kind.choices)
        channel_choices = [(c, ChannelName(c).label) for c in enabled]
        for kind, label in self.kinds:
            current = choices[kind]
            self.fields[f"mode_{kind}"] = forms.ChoiceField(
                label=label,
                choices=Mode.choices,
                initial=current.mode,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择提醒方式。"), "invalid_choice": _("请选择提醒方式。")},
            )
            if channel_choices:
                self.fields[f"channels_{kind}"] = forms.MultipleChoiceField(
                    label=_("%(kind)s的发送渠道") % {"kind": label},
                    choices=channel_choices,
                    initial=list(current.channels),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={"invalid_choice": _("本站没有启用这个渠道。")},
                )

    def rows(self):
        """(kind, label, mode field, channels field or None) for the template."""
        for kind, label in self.kinds:
            channels = self[f"channels_{kind}"] if f"channels_{kind}" in self.fields else None
            yield kind, label, self[f"mode_{kind}"], channels

    def wanted(self) -> list[tuple[str, str, list[str]]]:
        return [
            (kind, self.cleaned_data[f"mode_{kind}"], self.cleaned_data.get(f"channels_{kind}", []))
            for kind, _label in self.kinds
        ]
