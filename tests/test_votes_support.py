"""Shared set-up for the votes tests (no tests here): consultations over the test world, owners, uploads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.deliberation import services_votes as services
from linli.deliberation.models import Electorate, QuestionKind, Weighting
from linli.registry.models import Owner, Ownership, Resident

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name: str = "ballot.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def make_consultation(
    world, *, electorate=Electorate.RESIDENTS, buildings=(), weighting=Weighting.HEADCOUNT, **kw
):
    now = timezone.now()
    questions = kw.pop(
        "questions",
        [
            services.QuestionSpec(text="是否同意楼道堆物整治方案？", kind=QuestionKind.APPROVE),
            services.QuestionSpec(text="清理时间", kind=QuestionKind.SINGLE, choices=("周六", "周日")),
        ],
    )
    return services.consultation_create(
        actor=world.staff,
        community=world.community,
        title=kw.pop("title", "1号楼楼道堆物整治方案意见征询"),
        opens_at=kw.pop("opens_at", now - dt.timedelta(hours=1)),
        closes_at=kw.pop("closes_at", now + dt.timedelta(days=7)),
        questions=questions,
        electorate=electorate,
        buildings=buildings,
        weighting=weighting,
        **kw,
    )


def opened(world, **kw):
    c = make_consultation(world, **kw)
    return services.consultation_open(actor=world.staff, consultation=c)


def answers_for(consultation, *, favour: bool = True) -> dict[int, list[int]]:
    """One valid answer per question: 同意 (or 不同意) on approve questions, the first choice otherwise."""
    out = {}
    for q in consultation.questions.prefetch_related("choices"):
        choices = list(q.choices.all())
        if q.kind == QuestionKind.APPROVE:
            pick = next(c for c in choices if c.in_favour == favour)
        else:
            pick = choices[0]
        out[q.pk] = [pick.pk]
    return out


def link_user(resident: Resident, user) -> Resident:
    Resident.objects.filter(pk=resident.pk).update(user=user)
    resident.user = user
    return resident


def own(flat, name: str, share=(1, 1), resident: Resident | None = None) -> Owner:
    owner = Owner.objects.filter(community=flat.community, name=name).first() or Owner.objects.create(
        community=flat.community, name=name, resident=resident
    )
    Ownership.objects.create(
        community=flat.community, owner=owner, flat=flat, share_numerator=share[0], share_denominator=share[1]
    )
    return owner


def set_area(flat, area: str):
    type(flat).objects.filter(pk=flat.pk).update(area=Decimal(area))
    flat.area = Decimal(area)
    return flat
