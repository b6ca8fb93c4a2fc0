"""Forms of the PIPL pages (consents, a person's data export, anonymisation): input parsing only; the
rules are in `registry.pipl`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.registry.forms import DATE_WIDGET
from linli.registry.models import ConsentPurpose
from linli.registry.pipl import ConsentData


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=[("", _("请选择"))] + list(ConsentPurpose.choices))
    purpose_detail = forms.CharField(
        label=_("用途说明"),
        required=False,
        max_length=200,
        help_text=_("例如“楼道加梯意向征询联系”。用途选“其他”时必填。"),
    )
    given_on = forms.DateField(label=_("同意日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    guardian = forms.TypedChoiceField(
        label=_("监护人（本户成年居民）"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("未满14周岁的居民须由监护人同意：在这里选择，或在下面填写监护人姓名和关系。"),
    )
    guardian_name = forms.CharField(label=_("监护人姓名（不是本户居民时）"), required=False, max_length=50)
    guardian_relation = forms.CharField(
        label=_("监护人与本人关系"), required=False, max_length=20, help_text=_("例如 母亲、父亲、祖母。")
    )
    note = forms.CharField(
        label=_("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].choices = [("", _("不需要或不是本户居民"))] + [
            (
                person.pk,
                gettext("%(name)s（%(relation)s）")
                % {"name": person.name, "relation": person.get_relation_display()},
            )
            for person in guardians
        ]

    def consent_data(self) -> ConsentData:
        data = self.cleaned_data
        return ConsentData(
            purpose=data["purpose"],
            purpose_detail=data["purpose_detail"],
            given_on=data["given_on"],
            guardian_id=data["guardian"],
            guardian_name=data["guardian_name"],
            guardian_relation=data["guardian_relation"],
            note=data["note"],
        )


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DATE_WIDGET, initial=timezone.localdate)


class PersonExportForm(forms.Form):
    reason = forms.CharField(
        label=_("导出理由"),
        max_length=200,
        help_text=_("会记入访问记录。例如“本人申请查阅个人信息”。"),
    )


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对：此居民已迁出，匿名化后姓名、证件号码、手机号码等无法恢复。"), required=True
    )
