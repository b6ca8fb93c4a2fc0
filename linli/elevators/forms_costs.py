"""The cost-plan form: money, method, one coefficient per floor and an exemption choice per flat.

The form only parses; the rules (negative money, eligible above total, coefficients that leave nobody to
pay, a fund without a name…) are checked by `services_costs.cost_plan_save`, whose DomainError the view
puts back on the form.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.errors import DomainError
from linli.elevators.models import CostMethod
from linli.elevators.rules_cost import Exemption

EXEMPTION_CHOICES = [
    ("", _("无减免")),
    ("covered_by_others", _("免交，由其他业主分担")),
    ("fund", _("由基金等其他资金支付")),
]

MONEY_ATTRS = {"inputmode": "decimal", "autocomplete": "off"}


def _money(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs=MONEY_ATTRS),
    )


class CostPlanForm(forms.Form):
    total_cost = _money(_("工程总价（元）"))
    eligible_cost = _money(_("可补贴费用（元）"), help_text=_("可申请政府补贴的费用，一般等于工程总价。"))
    other_funds = _money(
        _("其他资金（元）"), required=False, help_text=_("维修资金、公积金提取、捐助等，没有填0。")
    )
    other_funds_note = forms.CharField(label=_("其他资金来源"), required=False, max_length=200)
    method = forms.ChoiceField(label=_("分摊方式"), choices=CostMethod.choices, widget=forms.RadioSelect)

    def __init__(self, *args, floors: list[int], flats: list, labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.floors = floors
        self.flats = flats
        self.labels = labels
        for floor in floors:
            self.fields[f"coef_{floor}"] = forms.DecimalField(
                label=_("%(floor)s层") % {"floor": floor},
                max_digits=5,
                decimal_places=2,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}),
            )
        for flat in flats:
            self.fields[f"exempt_{flat.pk}"] = forms.ChoiceField(
                label=_("减免方式"), choices=EXEMPTION_CHOICES, required=False
            )
            self.fields[f"fund_{flat.pk}"] = forms.CharField(label=_("支付方"), required=False, max_length=50)
            self.fields[f"reason_{flat.pk}"] = forms.CharField(
                label=_("原因"), required=False, max_length=100
            )

    def coefficient_fields(self):
        return [self[f"coef_{floor}"] for floor in self.floors]

    def exemption_rows(self):
        """(flat label, choice field, fund field, reason field) per flat, for the template."""
        return [
            (
                self.labels[flat.pk],
                self[f"exempt_{flat.pk}"],
                self[f"fund_{flat.pk}"],
                self[f"reason_{flat.pk}"],
            )
            for flat in self.flats
        ]

    def plan_data(self) -> dict:
        """The service's keyword arguments except the exemptions (built by `exemptions`, which may raise
        DomainError and so is called by the view inside its error handling)."""
        data = self.cleaned_data
        return {
            "total_cost": data["total_cost"],
            "eligible_cost": data["eligible_cost"],
            "other_funds": data["other_funds"] if data["other_funds"] is not None else Decimal("0"),
            "other_funds_note": data["other_funds_note"],
            "method": data["method"],
            "coefficients": {floor: data[f"coef_{floor}"] for floor in self.floors},
        }

    def exemptions(self) -> dict[int, Exemption]:
        chosen = {}
        for flat in self.flats:
            kind = self.cleaned_data.get(f"exempt_{flat.pk}") or ""
            reason = (self.cleaned_data.get(f"reason_{flat.pk}") or "").strip()
            fund = (self.cleaned_data.get(f"fund_{flat.pk}") or "").strip()
            if kind == "covered_by_others":
                chosen[flat.pk] = Exemption.covered_by_others(reason=reason)
            elif kind == "fund":
                if not fund:
                    raise DomainError(
                        _("%(flat)s 由基金支付，请写明支付方。") % {"flat": self.labels[flat.pk]},
                        field=f"fund_{flat.pk}",
                    )
                chosen[flat.pk] = Exemption.paid_by_fund(fund=fund, reason=reason)
        return chosen
