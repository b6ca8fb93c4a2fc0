"""The dated policy table: which figures were in force on a day, read exactly.

An app that needs policy figures registers its kind once (`register_kind`, from its AppConfig.ready)
with the figures it reads and their type; versions are rows of `PolicyVersion` (admin-editable, seeded by
the app's data migration). `policy_on(kind, day)` returns the version in force on `day` with typed
accessors, so a rule never holds a figure of its own and every result can name the version behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.models import PolicyVersion

FIGURE_TYPES = ("fraction", "decimal", "int")


@dataclass(frozen=True)
class Figure:
    name: str
    type: str  # one of FIGURE_TYPES
    label: str


KINDS: dict[str, dict[str, Figure]] = {}


def register_kind(kind: str, figures: list[Figure]) -> None:
    for figure in figures:
        if figure.type not in FIGURE_TYPES:
            raise ValueError(f"{kind}.{figure.name}: unknown figure type {figure.type}")
    KINDS[kind] = {f.name: f for f in figures}


def parse_figure(figure: Figure, raw) -> Fraction | Decimal | int:
    """A stored figure in its exact type; DomainError naming it when the text is not one."""
    text = str(raw).strip()
    try:
        if figure.type == "fraction":
            value = Fraction(text)  # "2/3" or "0.75", exactly
            if value < 0:
                raise ValueError
            return value
        if figure.type == "decimal":
            value = Decimal(text)
            if not value.is_finite() or value < 0:
                raise ValueError
            return value
        value = int(text)
        if value < 0:
            raise ValueError
        return value
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise DomainError(
            _("政策参数“%(label)s”的值“%(value)s”无效。") % {"label": figure.label, "value": text},
            field=figure.name,
        ) from None


def check_figures(kind: str, figures: dict) -> dict[str, str]:
    """The figures of a new or edited version: every registered figure present and valid."""
    known = KINDS.get(kind)
    if known is None:
        raise DomainError(_("未知的政策类别：%(kind)s") % {"kind": kind}, field="kind")
    missing = [f.label for name, f in known.items() if name not in figures]
    if missing:
        raise DomainError(
            _("缺少政策参数：%(names)s") % {"names": "、".join(str(m) for m in missing)}, field="figures"
        )
    for name, figure in known.items():
        parse_figure(figure, figures[name])
    return {name: str(figures[name]).strip() for name in known}


@dataclass(frozen=True)
class Policy:
    """A version in force, with its figures typed."""

    version: PolicyVersion
    values: dict

    @property
    def label(self) -> str:
        return str(self.version)

    def __getitem__(self, name: str):
        return self.values[name]


def policy_on(kind: str, day: dt.date) -> Policy:
    """The version of `kind` in force on `day` (the latest one starting on or before it that has not
    ended). DomainError when no version covers the day — a result is never decided by a guess."""
    version = (
        PolicyVersion.objects.filter(kind=kind, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise DomainError(
            _("没有适用于%(day)s的政策参数，请先在政策参数表中登记。") % {"day": day.isoformat()}
        )
    figures = KINDS.get(kind, {})
    values = {name: parse_figure(figure, version.figures.get(name, "")) for name, figure in figures.items()}
    return Policy(version=version, values=values)


def version_create(
    *,
    kind: str,
    label: str,
    effective_from: dt.date,
    figures: dict,
    source: str = "",
    effective_to: dt.date | None = None,
) -> PolicyVersion:
    """A new version. The one open-ended version before it is closed the day before, so versions never
    overlap; a version starting inside a closed period is refused."""
    clean = check_figures(kind, figures)
    if effective_to is not None and effective_to < effective_from:
        raise DomainError(_("失效日期不能早于生效日期。"), field="effective_to")
    with transaction.atomic():
        overlapping = PolicyVersion.objects.filter(kind=kind, effective_from__gte=effective_from)
        if effective_to is not None:
            overlapping = overlapping.filter(effective_from__lte=effective_to)
        if overlapping.exists():
            raise DomainError(_("与已有版本的生效期重叠。"), field="effective_from")
        before = (
            PolicyVersion.objects.filter(kind=kind, effective_from__lt=effective_from)
            .order_by("-effective_from")
            .first()
        )
        if before is not None:
            if before.effective_to is None:
                before.effective_to = effective_from - dt.timedelta(days=1)
                before.save(update_fields=["effective_to"])
            elif before.effective_to >= effective_from:
                raise DomainError(_("与已有版本的生效期重叠。"), field="effective_from")
        return PolicyVersion.objects.create(
            kind=kind,
            label=label,
            effective_from=effective_from,
            effective_to=effective_to,
            figures=clean,
            source=source,
        )
