"""The lift's policy figures, read from the dated policy table (`linli.core.policy`) — never from code.

The figures a lift result depends on: the double thresholds of Civil Code art. 278 (participation and
consent, each by exclusive area and by owner headcount), the subsidy cap and rate, the days a design plan
is publicly noticed, the project cost above which a construction permit is needed, and the days within
which a lift in use must be registered. Seeded by migration 0002 and editable in the admin.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from linli.core.policy import Figure, Policy, policy_on, register_kind

KIND = "lift"

FIGURES = [
    Figure("participation_area", "fraction", _("参与表决的专有面积比例（以上）")),
    Figure("participation_headcount", "fraction", _("参与表决的业主人数比例（以上）")),
    Figure("consent_area", "fraction", _("同意的专有面积占参与表决面积的比例（以上）")),
    Figure("consent_headcount", "fraction", _("同意的业主人数占参与表决人数的比例（以上）")),
    Figure("subsidy_cap", "decimal", _("每台电梯补贴上限（元）")),
    Figure("subsidy_rate", "fraction", _("补贴比例")),
    Figure("design_notice_days", "int", _("设计方案公示天数")),
    Figure("permit_cost_limit", "decimal", _("需办理施工许可证的工程总价（超过，元）")),
    Figure("registration_days", "int", _("投入使用后办理使用登记的期限（天）")),
]


def register() -> None:
    register_kind(KIND, FIGURES)


def lift_policy(day: dt.date) -> Policy:
    return policy_on(KIND, day)
