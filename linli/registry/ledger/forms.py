"""The forms of the ledger pages: input shape only (the file's checks are the ledger's own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.registry.models import ImportKind
from linli.registry.privacy import REASON_CHOICES, REASON_MAX_LENGTH


class LedgerUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("导入什么"),
        choices=[
            (ImportKind.RESIDENTS, _("居民台账")),
            (ImportKind.FLATS, _("楼栋与房屋（先导入这个，再导入居民）")),
        ],
        initial=ImportKind.RESIDENTS,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("台账文件"),
        help_text=_("Excel 文件（.xlsx 或 .xls）或 CSV 文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )


class FullExportForm(forms.Form):
    """Why the numbers are wanted in clear: the reason goes into the access log."""

    reason = forms.CharField(
        label=_("导出完整号码的理由"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": _("请写明导出完整号码的理由。")},
        help_text=_("例如：报送街道办理补贴。理由会和这次导出一起记录下来。"),
        widget=forms.TextInput(attrs={"list": "export-reasons", "autocomplete": "off"}),
    )

    reasons = REASON_CHOICES

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("请写明导出完整号码的理由。"))
        return reason
