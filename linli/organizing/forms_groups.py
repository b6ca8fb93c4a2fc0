"""Forms of the group, building-group and branch pages. They parse and check the shape of the input;
the rules live in services_groups, whose DomainError is put back on the form (`add_domain_error`).

Choices that depend on the community (residents, branches, members) are passed in by the view from the
selectors, so a form never offers, nor accepts, a row outside the user's scope.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.organizing.services_groups import BranchData, BuildingGroupData, GroupData
from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)


def person_label(person) -> str:
    """A resident in a choice list: the name and where they live (to tell two 王建国 apart)."""
    flat = person.household.flat
    # Translators: a resident in a choice list, e.g. 王建国（12号2单元301室）.
    return gettext("%(name)s（%(flat)s）") % {"name": person.name, "flat": flat}


def _people_choices(people, empty_label) -> list:
    return [("", empty_label)] + [(p.pk, person_label(p)) for p in people]


class GroupForm(forms.Form):
    """A group's settings; on an existing group also its leader and deputy, chosen among its members."""

    name = forms.CharField(label=_("团队名称"), max_length=50)
    purpose = forms.CharField(label=_("宗旨"), max_length=200, required=False)
    branch = forms.TypedChoiceField(label=_("指导党支部"), coerce=int, required=False, empty_value=None)
    is_active = forms.BooleanField(
        label=_("在运作"), required=False, initial=True, help_text=_("停止运作后，组长不再能查看成员。")
    )

    def __init__(self, *args, branches, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("无"))] + [(b.pk, b.name) for b in branches]
        if members is not None:
            self.fields["leader"] = forms.TypedChoiceField(
                label=_("组长"), coerce=int, required=False, empty_value=None
            )
            self.fields["deputy"] = forms.TypedChoiceField(
                label=_("副组长"), coerce=int, required=False, empty_value=None
            )
            self.fields["leader"].choices = _people_choices(members, _("暂无"))
            self.fields["deputy"].choices = _people_choices(members, _("暂无"))
            self.fields["leader"].help_text = _("组长和副组长可以查看本团队的成员；须是本团队的现有成员。")

    def group_data(self) -> GroupData:
        data = self.cleaned_data
        return GroupData(
            name=data["name"],
            purpose=data.get("purpose", ""),
            branch_id=data.get("branch"),
            leader_id=data.get("leader"),
            deputy_id=data.get("deputy"),
            is_active=bool(data.get("is_active")),
        )


def group_initial(group) -> dict:
    return {
        "name": group.name,
        "purpose": group.purpose,
        "branch": group.branch_id,
        "is_active": group.is_active,
        "leader": group.leader_id,
        "deputy": group.deputy_id,
    }


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("查找居民"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(attrs={"placeholder": _("姓名、拼音或首字母"), "autocomplete": "off"}),
    )


class GroupMemberForm(forms.Form):
    """A new membership period: the person (from a search), joining date, and a leaving date for a past
    member being put on record."""

    resident = forms.TypedChoiceField(label=_("居民"), coerce=int, widget=forms.RadioSelect)
    joined_on = forms.DateField(label=_("加入日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    left_on = forms.DateField(
        label=_("离开日期"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("登记以前的成员时填写；现有成员留空。"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [(p.pk, person_label(p)) for p in candidates]
        self.fields["resident"].error_messages["invalid_choice"] = _("请从查找结果中选择一位居民。")
        self.fields["resident"].error_messages["required"] = _("请先查找并选择一位居民。")


class GroupMemberEndForm(forms.Form):
    left_on = forms.DateField(label=_("离开日期"), widget=DATE_WIDGET, initial=timezone.localdate)


class BranchForm(forms.Form):
    name = forms.CharField(label=_("党支部名称"), max_length=100)
    secretary = forms.TypedChoiceField(label=_("支部书记"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, secretaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].choices = _people_choices(secretaries, _("暂无"))
        self.fields["secretary"].help_text = _("从本支部的在住党员中选择。")

    def branch_data(self) -> BranchData:
        return BranchData(name=self.cleaned_data["name"], secretary_id=self.cleaned_data.get("secretary"))


class BuildingGroupForm(forms.Form):
    """A building group's name and lift trio; for staff also its leader and deputy (`leaders` given)."""

    name = forms.CharField(
        label=_("楼组名称"),
        max_length=30,
        required=False,
        help_text=_("居民自己取的名字，例如 和美楼；可以不填。"),
    )

    def __init__(self, *args, residents, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leaders is not None:
            for name, label in (("leader", _("楼组长")), ("deputy", _("副楼组长"))):
                self.fields[name] = forms.TypedChoiceField(
                    label=label, coerce=int, required=False, empty_value=None
                )
                self.fields[name].choices = _people_choices(leaders, _("暂无"))
            self.fields["leader"].help_text = _("楼组长和副楼组长可以查看本楼的居民；须有登录账号。")
        for seat in (1, 2, 3):
            field = forms.TypedChoiceField(
                label=gettext("加梯三人组（%(seat)s）") % {"seat": seat},
                coerce=int,
                required=False,
                empty_value=None,
            )
            field.choices = _people_choices(residents, _("暂无"))
            self.fields[f"trio_{seat}"] = field
        self.fields["trio_1"].help_text = _("楼道加梯三人组：本楼的在住居民，最多三人。")

    def building_group_data(self, building_group) -> BuildingGroupData:
        data = self.cleaned_data
        leaders = "leader" in self.fields
        return BuildingGroupData(
            name=data.get("name", ""),
            leader_id=data.get("leader") if leaders else building_group.leader_id,
            deputy_id=data.get("deputy") if leaders else building_group.deputy_id,
            trio_ids=[data[f"trio_{seat}"] for seat in (1, 2, 3) if data.get(f"trio_{seat}")],
        )


def building_group_initial(building_group, trio) -> dict:
    initial = {
        "name": building_group.name,
        "leader": building_group.leader_id,
        "deputy": building_group.deputy_id,
    }
    for member in trio:
        initial[f"trio_{member.seat}"] = member.resident_id
    return initial


class BuildingGroupCreateForm(forms.Form):
    """Where the new building group is: a whole building, or one entrance of it."""

    place = forms.ChoiceField(label=_("楼栋或单元"))
    name = forms.CharField(label=_("楼组名称"), max_length=30, required=False)

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("请选择"))] + [
            (f"{p.building_id}:{p.entrance_id or ''}", p.label) for p in places
        ]
        self.fields["place"].help_text = _("一栋楼可以整栋组建一个楼组，也可以每个单元各组建一个。")

    def place_ids(self) -> tuple[int, int | None]:
        building, _sep, entrance = self.cleaned_data["place"].partition(":")
        return int(building), (int(entrance) if entrance else None)
