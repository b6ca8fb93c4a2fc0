"""Demo data of conventions and notices: a building convention adopted in its second draft and being
signed (some households have), a community notice in its period with an objection, and an ended notice.
Synthetic text only. Seed data written directly (not a change anyone made: no history rows)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from linli.core.models import Community
from linli.deliberation.models import (
    Convention,
    ConventionSignature,
    ConventionStatus,
    ConventionSuggestion,
    ConventionVersion,
    Notice,
    Objection,
    SignatureMethod,
)
from linli.registry.models import Building, Household

DRAFT_1 = """一、爱护楼道环境，不在楼道堆放杂物。
二、垃圾分类投放，按时定点。
三、晚上十点后不大声喧哗，装修避开休息时间。"""

DRAFT_2 = """一、爱护楼道环境，不在楼道堆放杂物，电动自行车不进楼道、不在楼内充电。
二、垃圾分类投放，按时定点。
三、晚上十点后不大声喧哗，装修避开休息时间。
四、文明养犬，出门牵绳，及时清理粪便。
五、邻里互帮互助，关心楼内独居老人。"""


def build(community: Community, *, today: dt.date, seed: int = 0) -> dict:
    r = random.Random(f"{seed}:conventions:{community.name}")
    building = Building.objects.filter(community=community).order_by("sort_key", "number").first()
    if building is None:
        return {}
    households = list(
        Household.objects.filter(community=community, flat__building=building, is_active=True)
        .order_by("flat__floor", "flat__number")
        .values_list("pk", flat=True)
    )
    convention = Convention.objects.create(community=community, title=f"{building}楼组公约")
    convention.buildings.set([building])
    first = ConventionVersion.objects.create(
        community=community, convention=convention, number=1, text=DRAFT_1, note="楼组长起草"
    )
    second = ConventionVersion.objects.create(
        community=community,
        convention=convention,
        number=2,
        text=DRAFT_2,
        note="采纳居民建议：电动车、养犬、关心独居老人",
    )
    suggestions = (
        "建议增加电动自行车不进楼道的规定。",
        "建议写上文明养犬。",
        "希望大家多关心楼里的独居老人。",
    )
    ConventionSuggestion.objects.bulk_create(
        ConventionSuggestion(
            community=community,
            convention=convention,
            version=first,
            household_id=r.choice(households) if households else None,
            text=text,
            answer="已采纳，写入第2稿。",
        )
        for text in suggestions
    )
    adopted_on = today - dt.timedelta(days=10)
    Convention.objects.filter(pk=convention.pk).update(
        status=ConventionStatus.ADOPTED,
        adopted_version=second,
        adopted_on=adopted_on,
        resolution=f"{adopted_on.year}年{adopted_on.month}月{adopted_on.day}日楼组会议表决通过",
    )
    signed = r.sample(households, k=max(1, len(households) * 2 // 5)) if len(households) > 1 else []
    ConventionSignature.objects.bulk_create(
        ConventionSignature(
            community=community,
            convention=convention,
            version=second,
            household_id=pk,
            method=r.choice([SignatureMethod.ONLINE, SignatureMethod.STAFF]),
        )
        for pk in signed
    )

    now = timezone.now()
    current = Notice.objects.create(
        community=community,
        title="2026年度居民区党群服务站改造方案公示",
        text="党群服务站改造方案已经居民代表会议讨论，现予公示。公示期内如有异议，请在线提出或到居委会反映。",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=5),
    )
    Objection.objects.create(
        community=community,
        notice=current,
        household_id=households[0] if households else None,
        text="施工时间请避开午休，并提前在楼道张贴通知。",
    )
    Notice.objects.create(
        community=community,
        title="楼道堆物清理结果公示",
        text="楼道堆物集中清理已完成，清理结果公示如下。",
        starts_at=now - dt.timedelta(days=20),
        ends_at=now - dt.timedelta(days=13),
        closed_at=now - dt.timedelta(days=13),
    )
    return {"convention": convention.pk, "signed": len(signed), "households": len(households)}
