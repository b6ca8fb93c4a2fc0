"""Forms of the project pages: they parse the input's shape; the rules live in services_projects, whose
DomainError is put back on the form (`add_domain_error`). Entrance choices come from the view (the
selectors' eligible entrances), so a form never offers one outside the scope."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.elevators.models import PersonRole, VoteScope
from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)


class ProjectCreateForm(forms.Form):
    entrance = forms.TypedChoiceField(label=_("单元（门洞）"), coerce=int)
    started_on = forms.DateField(label=_("启动日期"), widget=DATE_WIDGET, initial=dt.date.today)
    vote_scope = forms.ChoiceField(
        label=_("表决范围"), choices=VoteScope.choices, initial=VoteScope.ENTRANCE, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, entrances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrance"].choices = [(e.pk, f"{e}（{e.building.floors_label}）") for e in entrances]


class StageCompleteForm(forms.Form):
    stage = forms.IntegerField(widget=forms.HiddenInput)
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE_WIDGET, initial=dt.date.today)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class ProjectFactsForm(forms.Form):
    estimated_cost = forms.DecimalField(
        label=_("工程总价（元）"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    permit_number = forms.CharField(label=_("施工许可证号/开工报送编号"), required=False, max_length=50)
    in_use_on = forms.DateField(label=_("投入使用日期"), required=False, widget=DATE_WIDGET)
    registered_on = forms.DateField(label=_("使用登记日期"), required=False, widget=DATE_WIDGET)
    lift_manager = forms.CharField(label=_("电梯使用管理人"), required=False, max_length=50)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StopForm(forms.Form):
    reason = forms.CharField(label=_("中止原因"), max_length=200)


class PersonForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=PersonRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    duty = forms.CharField(label=_("分工"), required=False, max_length=100)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("文件名称"), max_length=100)
    stage = forms.TypedChoiceField(label=_("阶段"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("文件"), help_text=_("图片或PDF，不超过10MB"))

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "—")] + [(s.pk, s.name) for s in stages]


class StageRenameForm(forms.Form):
    stage = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("阶段名称"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class StageAddForm(forms.Form):
    after = forms.TypedChoiceField(label=_("放在哪个阶段之后"), coerce=int)
    name = forms.CharField(label=_("阶段名称"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["after"].choices = [(s.pk, f"{s.position}. {s.name}") for s in stages]
