"""Seed the dated lift policy table (linli.core.PolicyVersion, kind "lift"), from rules/lift.md.

Thresholds: Civil Code art. 278 (participation ≥ 2/3 of area and of headcount; consent ≥ 3/4 of the
participating area and headcount), which Shanghai's 2019 opinions took over from the Property Law's
double thresholds. Subsidy cap: the 2018 Shanghai report's 240,000 yuan per lift. The rate, the notice
days (one city's 20 days), the 1,000,000-yuan permit limit and the 30-day registration are the figures
rules/lift.md names; a district changes them in the admin with a new dated version, never in code.
"""

import datetime as dt

from django.db import migrations

FIGURES = {
    "participation_area": "2/3",
    "participation_headcount": "2/3",
    "consent_area": "3/4",
    "consent_headcount": "3/4",
    "subsidy_cap": "240000.00",
    "subsidy_rate": "2/5",
    "design_notice_days": "20",
    "permit_cost_limit": "1000000.00",
    "registration_days": "30",
}

VERSIONS = [
    (
        "沪2019加梯意见",
        dt.date(2019, 12, 25),
        dt.date(2024, 6, 30),
        "《关于进一步做好本市既有多层住宅加装电梯工作的若干意见》（2019）；表决门槛依物权法/民法典第二百七十八条。",
    ),
    (
        "民法典第278条（现行）",
        dt.date(2024, 7, 1),
        None,
        "民法典第二百七十八条；补贴上限依2018年上海市报告（每台24万元）；补贴比例、公示天数请按所在区政策核对。",
    ),
]


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("core", "PolicyVersion")
    for label, start, end, source in VERSIONS:
        PolicyVersion.objects.get_or_create(
            kind="lift",
            effective_from=start,
            defaults={"label": label, "effective_to": end, "figures": FIGURES, "source": source},
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "PolicyVersion").objects.filter(kind="lift").delete()


class Migration(migrations.Migration):
    dependencies = [("elevators", "0001_initial"), ("core", "0006_policy_versions")]

    operations = [migrations.RunPython(seed, unseed)]
