"""Forms of the registry pages. They parse and check the shape of the input only; the rules live in
`registry.services`, whose DomainError is put back onto the form by `add_domain_error`.

Choices that depend on who is asking (flats, buildings, branches) are passed in by the view from the
scoped selectors, so a form never offers, nor accepts, a row outside the user's scope.
"""

from itertools import groupby

from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError
from linli.core.identity import check_mobile, mask_id_number, mask_phone
from linli.registry.models import Gender, IdType, MoveOutReason, RegistrationType, Relation, Tenure
from linli.registry.selectors import AGE_BAND_LABELS, ResidentFilters
from linli.registry.services import ResidentData, check_id_document

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show each message of a DomainError next to its field, or above the form when it has none here."""
    for name, messages in error.errors.items():
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)


class InlineSelect(forms.Select):
    """A single <select> written out in Python, the same markup as django/forms/widgets/select.html:
    rendering that template per widget cost the resident list's filter form (five selects, one with a
    line per building) more than the filtering."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        found = False
        attrs = self.build_attrs(self.attrs, attrs)
        parts = [f'<select name="{conditional_escape(name)}"', *_html_attrs(attrs), ">"]
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, (list, tuple))
            if grouped:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_value)}">')
            for option_value, option_label in group_label if grouped else [(group_value, group_label)]:
                option_value = "" if option_value is None else str(option_value)
                selected = not found and option_value in chosen
                found |= selected
                parts.append(
                    f'\n  <option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                    f"{conditional_escape(option_label)}</option>"
                )
            if grouped:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above went through conditional_escape)


def _html_attrs(attrs: dict) -> list[str]:
    """Attributes as django/forms/widgets/attrs.html writes them: True alone, False left out."""
    return [
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    ]


class ResidentFilterForm(forms.Form):
    """The GET filters of the resident list. An invalid value is dropped, never an error page."""

    PARTY_CHOICES = [("", _("不限")), ("yes", _("是党员")), ("no", _("不是党员"))]

    q = forms.CharField(
        label=_("查找居民"),
        required=False,
        max_length=50,
        widget=forms.SearchInput(
            attrs={"placeholder": _("姓名、拼音或首字母，如 zay"), "autocomplete": "off"}
        ),
    )
    building = forms.TypedChoiceField(
        label=_("楼栋"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"),
        required=False,
        choices=[("", _("全部年龄"))] + list(AGE_BAND_LABELS.items()),
        widget=InlineSelect,
    )
    tag = forms.TypedChoiceField(
        label=_("标签"), required=False, coerce=int, empty_value=None, widget=InlineSelect
    )
    registration_type = forms.ChoiceField(
        label=_("户籍类型"),
        required=False,
        choices=[("", _("全部"))] + list(RegistrationType.choices),
        widget=InlineSelect,
    )
    party = forms.ChoiceField(label=_("党员"), required=False, choices=PARTY_CHOICES, widget=InlineSelect)
    include_moved_out = forms.BooleanField(label=_("包括已迁出的居民"), required=False)

    def __init__(self, *args, buildings, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", _("全部楼栋"))] + [(b.pk, str(b)) for b in buildings]
        self.fields["tag"].choices = [("", _("全部标签"))] + [(t.pk, t.name) for t in tags]

    def filters(self) -> ResidentFilters:
        self.is_valid()
        data = self.cleaned_data  # only the fields that were valid
        party = data.get("party")
        return ResidentFilters(
            q=data.get("q") or "",
            building=data.get("building"),
            age_band=data.get("age_band") or "",
            tag=data.get("tag"),
            registration_type=data.get("registration_type") or "",
            party_member={"yes": True, "no": False}.get(party),
            include_moved_out=bool(data.get("include_moved_out")),
        )

    @property
    def is_filtered(self) -> bool:
        f = self.filters()
        return bool(
            f.q or f.building or f.age_band or f.tag or f.registration_type or f.party_member is not None
        )


def flat_choices(flats) -> list:
    """Flats grouped by building for a <select> with <optgroup>s: [(building, [(id, label), …]), …]."""
    return [
        (str(building), [(flat.pk, f"{building} {flat.label}") for flat in group])
        for building, group in groupby(flats, key=lambda flat: flat.building)
    ]


class ResidentForm(forms.Form):
    """Register a resident (create) or correct one (update, `resident` given).

    On update the ID number and phone are never sent back to the browser: the fields start empty and an
    empty field keeps the stored value, so the clear value does not sit in the page's HTML.
    """

    flat = forms.TypedChoiceField(label=_("房屋"), coerce=int)
    tenure = forms.ChoiceField(
        label=_("居住性质"),
        choices=Tenure.choices,
        initial=Tenure.OWNER,
        help_text=_("只在这套房屋还没有登记住户时使用。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices, widget=forms.RadioSelect)
    birth_date = forms.DateField(label=_("出生日期"), widget=DATE_WIDGET, help_text=_("例如 1948-03-02"))
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID)
    id_number = forms.CharField(
        label=_("证件号码"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=30,
        widget=forms.TelInput(attrs={"autocomplete": "off"}),
    )
    registration_type = forms.ChoiceField(
        label=_("户籍类型"), choices=RegistrationType.choices, initial=RegistrationType.LOCAL
    )
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices, initial=Relation.HEAD)
    moved_in = forms.DateField(label=_("迁入日期"), required=False, widget=DATE_WIDGET)
    party_joined = forms.DateField(label=_("入党日期"), required=False, widget=DATE_WIDGET)
    party_full_member = forms.DateField(label=_("转正日期"), required=False, widget=DATE_WIDGET)
    party_branch = forms.TypedChoiceField(label=_("所在党支部"), required=False, coerce=int, empty_value=None)
    tags = forms.TypedMultipleChoiceField(
        label=_("标签"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, flats, branches, tags, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        self._flats = {flat.pk: flat for flat in flats}
        self.fields["flat"].choices = [("", _("请选择房屋"))] + flat_choices(flats)
        self.fields["party_branch"].choices = [("", _("无"))] + [(b.pk, b.name) for b in branches]
        self.fields["tags"].choices = [(t.pk, t.name) for t in tags]
        if resident is not None:
            del self.fields["tenure"]  # a move opens a household with the resident's current tenure
            self.fields["flat"].help_text = _("搬到本居民区的另一套房屋时才修改。")
            keep = _("留空则不修改")
            self.fields["id_number"].help_text = (
                _("已登记：%(masked)s。%(keep)s。")
                % {"masked": mask_id_number(resident.id_number), "keep": keep}
                if resident.id_number
                else _("尚未登记。")
            )
            self.fields["phone"].help_text = (
                _("已登记：%(masked)s。%(keep)s。") % {"masked": mask_phone(resident.phone), "keep": keep}
                if resident.phone
                else _("尚未登记。")
            )
            self.fields["clear_id_number"] = forms.BooleanField(
                label=_("删除已登记的证件号码"), required=False
            )
            self.fields["clear_phone"] = forms.BooleanField(label=_("删除已登记的手机号码"), required=False)
            if not self.is_bound:
                self.initial.update(initial_for(resident))

    def clean_flat(self):
        flat = self._flats.get(self.cleaned_data["flat"])
        if flat is None:  # cannot happen through the choices; kept so the form never trusts the id
            raise forms.ValidationError(_("请从列表中选择房屋。"))
        return flat

    def clean(self):
        """Check the ID number and phone as typed, so their mistakes show in the same round as a missing
        name or date. The service checks them again (same functions, same messages) before writing."""
        data = super().clean()
        if data.get("phone"):
            try:
                check_mobile(data["phone"])
            except DomainError as error:
                self.add_error("phone", error.message)
        if data.get("id_number") and data.get("id_type"):
            try:
                check_id_document(
                    data["id_type"],
                    data["id_number"],
                    birth_date=data.get("birth_date"),
                    gender=data.get("gender"),
                )
            except DomainError as error:
                self.add_error("id_number", error.message)
        return data

    def resident_data(self) -> ResidentData:
        data = self.cleaned_data
        id_number, phone = data.get("id_number", "").strip(), data.get("phone", "").strip()
        if self.resident is not None:
            if not id_number and not data.get("clear_id_number"):
                id_number = self.resident.id_number
            if not phone and not data.get("clear_phone"):
                phone = self.resident.phone
        return ResidentData(
            name=data["name"],
            gender=data["gender"],
            birth_date=data["birth_date"],
            id_type=data["id_type"],
            id_number=id_number,
            phone=phone,
            registration_type=data["registration_type"],
            relation=data["relation"],
            moved_in=data.get("moved_in"),
            party_joined=data.get("party_joined"),
            party_full_member=data.get("party_full_member"),
            party_branch_id=data.get("party_branch"),
            tag_ids=list(data.get("tags") or []),
            notes=data.get("notes", ""),
        )


def initial_for(resident) -> dict:
    """The form's starting values for an existing resident; ID number and phone deliberately left out."""
    return {
        "flat": resident.household.flat_id,
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date,
        "id_type": resident.id_type,
        "registration_type": resident.registration_type,
        "relation": resident.relation,
        "moved_in": resident.moved_in,
        "party_joined": resident.party_joined,
        "party_full_member": resident.party_full_member,
        "party_branch": resident.party_branch_id,
        "tags": [t.pk for t in resident.tags.all()],
        "notes": resident.notes,
    }


class MoveOutForm(forms.Form):
    moved_out = forms.DateField(label=_("迁出日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    move_out_reason = forms.ChoiceField(
        label=_("迁出原因"), choices=[("", _("请选择"))] + list(MoveOutReason.choices)
    )
