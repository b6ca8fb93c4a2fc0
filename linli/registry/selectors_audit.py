"""Reads of the audit trail: the change history of registry rows, and the access log.

simple-history keeps one historical row per create, update and delete (who, when, the whole row after
the change). A history page shows each change as old → new values: the previous historical row of the
same object is found with a subquery, so a page costs a fixed number of queries whatever its length —
one count, one page of (date, id, kind) over all the history tables at once (UNION ALL), then per kind
present on the page one query for its rows (with their authors), one for their predecessors, and one
per kind of object named in them.

Sensitive values never leave here in clear: an encrypted field is shown masked on both sides, or only as
"已修改" when the reader may not reveal it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from linli.core.models import AccessAction, AccessLog, Community, User
from linli.registry.models import (
    Building,
    Consent,
    Entrance,
    Flat,
    Household,
    Owner,
    Ownership,
    Resident,
)
from linli.registry.privacy import SENSITIVE_FIELDS, masked_value


@dataclass(frozen=True)
class AuditedModel:
    key: str
    model: type[models.Model]
    label: str
    # The page an entry links to, from a historical row (None: no page of its own).
    url: Callable[[object], str | None] = lambda row: None


# Every registry model with a history, by the key the audit log's filter uses. Apps further right add
# their own models with `register_audited` (from their AppConfig.ready), since registry cannot import them.
AUDITED: dict[str, AuditedModel] = {}


def register_audited(key: str, model, label, url=None) -> None:
    """Add a model with `history = HistoricalRecords()` and a `community` field to the audit log."""
    AUDITED[key] = AuditedModel(key, model, label, url or (lambda row: None))


register_audited(
    "resident", Resident, gettext_lazy("居民"), lambda r: reverse("resident_detail", args=[r.id])
)
register_audited(
    "household", Household, gettext_lazy("户"), lambda r: reverse("household_detail", args=[r.id])
)
register_audited(
    "flat", Flat, gettext_lazy("房屋"), lambda r: reverse("building_detail", args=[r.building_id])
)
register_audited(
    "entrance", Entrance, gettext_lazy("单元"), lambda r: reverse("building_detail", args=[r.building_id])
)
register_audited(
    "building", Building, gettext_lazy("楼栋"), lambda r: reverse("building_detail", args=[r.id])
)
register_audited("owner", Owner, gettext_lazy("产权人"))
register_audited("ownership", Ownership, gettext_lazy("产权份额"))
register_audited(
    "consent", Consent, gettext_lazy("同意记录"), lambda r: reverse("resident_detail", args=[r.resident_id])
)

ACTION_LABELS = {"+": gettext_lazy("新建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}

# Joins that make str() of a related object cost nothing more than its own query.
LABEL_JOINS = {
    Household: ("flat__building", "flat__entrance"),
    Flat: ("building", "entrance"),
    Entrance: ("building",),
    Ownership: ("owner", "flat__building", "flat__entrance"),
    Consent: ("resident",),
}
SKIPPED_FIELDS = {"id", "community"}  # never change; the community is the page's own


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    hidden: bool = False  # a sensitive value the reader may not see, even masked: "已修改"


@dataclass
class AuditEntry:
    when: dt.datetime
    who: str
    kind: str
    kind_label: str
    action: str  # "+", "~", "-"
    action_label: str
    object_label: str
    object_url: str | None
    changes: list[Change] = field(default_factory=list)


class Timeline:
    """The history rows of several sources as one lazy, newest-first sequence of `AuditEntry`, for a
    Paginator: `count()` is one query, a slice a fixed number more (see the module docstring).

    `sources` are (kind, queryset of historical rows). `may_see_masked(kind, field)` says whether the
    reader may see a sensitive field's masks (else a change to it reads "已修改")."""

    def __init__(self, sources: list[tuple[str, QuerySet]], *, may_see_masked: Callable[[str, str], bool]):
        self.sources = sources
        self.may_see_masked = may_see_masked

    def _union(self) -> QuerySet | None:
        parts = [
            qs.order_by()  # no ordering inside the parts of a UNION (SQLite refuses it)
            .annotate(kind=Value(kind, output_field=models.CharField()))
            .values_list("history_date", "history_id", "kind")
            for kind, qs in self.sources
        ]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0].order_by("-history_date", "-history_id")
        return parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")

    def count(self) -> int:
        union = self._union()
        return union.count() if union is not None else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[AuditEntry]:
        if not isinstance(key, slice):
            raise TypeError("Timeline reads pages: index it with a slice")
        union = self._union()
        if union is None:
            return []
        page = list(union[key])
        by_kind: dict[str, list[int]] = defaultdict(list)
        for _when, history_id, kind in page:
            by_kind[kind].append(history_id)
        rows: dict[tuple[str, int], object] = {}
        previous: dict[tuple[str, int], object] = {}
        self.m2m: dict[tuple[str, int], dict[str, dict]] = {}  # (kind, history id) → {field: {pk: label}}
        for kind, ids in by_kind.items():
            history = AUDITED[kind].model.history.model
            older = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            found = list(
                history.objects.filter(history_id__in=ids)
                .select_related("history_user")
                .annotate(previous_id=Subquery(older.order_by("-history_id").values("history_id")[:1]))
            )
            before = {
                row.history_id: row
                for row in history.objects.filter(
                    history_id__in=[r.previous_id for r in found if r.previous_id is not None]
                )
            }
            for row in found:
                rows[kind, row.history_id] = row
                previous[kind, row.history_id] = before.get(row.previous_id)
            self._m2m_fetch(kind, history, [r.history_id for r in found if r.history_type == "~"], before)
        labels = _Labels()
        for (kind, _id), row in rows.items():
            labels.want(AUDITED[kind].model, row.id)
            prev = previous[kind, _id]
            if row.history_type != "~" or prev is None:
                continue
            for f in _diffed_fields(AUDITED[kind].model):  # the objects a changed link points to
                if isinstance(f, models.ForeignKey) and getattr(row, f.attname) != getattr(prev, f.attname):
                    labels.want(f.related_model, getattr(row, f.attname))
                    labels.want(f.related_model, getattr(prev, f.attname))
        labels.fetch()
        entries = []
        for _when, history_id, kind in page:
            row = rows.get((kind, history_id))
            if row is not None:
                entries.append(self._entry(kind, row, previous[kind, history_id], labels))
        return entries

    def _m2m_fetch(self, kind: str, history, changed: list[int], before: dict) -> None:
        """The m2m snapshots (simple-history's `m2m_fields`, e.g. a resident's tags) of the changes on the
        page and of their predecessors, with the objects they name: one query per tracked field."""
        wanted = [*changed, *before]
        for f in history._history_m2m_fields if wanted else ():
            snapshot = getattr(history, f.name).model
            target = get_m2m_reverse_field_name(f)
            for history_id in wanted:
                self.m2m.setdefault((kind, history_id), {})[f.name] = {}
            for link in snapshot.objects.filter(history_id__in=wanted).select_related(target):
                pk = getattr(link, f"{target}_id")
                named = getattr(link, target)  # None when the object was deleted since
                self.m2m[kind, link.history_id][f.name][pk] = str(named) if named is not None else f"#{pk}"

    def _m2m_of(self, kind: str, row, f) -> dict:
        """{pk: label} of the objects the m2m field named in this history row."""
        return self.m2m.get((kind, row.history_id), {}).get(f.name, {})

    def _entry(self, kind: str, row, prev, labels: _Labels) -> AuditEntry:
        audited = AUDITED[kind]
        changes: list[Change] = []
        if row.history_type == "~" and prev is not None:
            for f in _diffed_fields(audited.model):
                old, new = getattr(prev, f.attname), getattr(row, f.attname)
                if old == new or (not old and not new):
                    continue
                label = str(f.verbose_name)
                if f.name in SENSITIVE_FIELDS:
                    if self.may_see_masked(kind, f.name):
                        changes.append(
                            Change(
                                label, _empty(masked_value(f.name, old)), _empty(masked_value(f.name, new))
                            )
                        )
                    else:
                        changes.append(Change(label, "", "", hidden=True))
                    continue
                changes.append(Change(label, _display(f, old, labels), _display(f, new, labels)))
            for f in row._history_m2m_fields:
                old, new = self._m2m_of(kind, prev, f), self._m2m_of(kind, row, f)
                if old.keys() != new.keys():
                    changes.append(Change(str(f.verbose_name), _names(old), _names(new)))
        user = row.history_user
        try:
            url = audited.url(row)
        except Exception:  # noqa: BLE001 (a row whose page no longer resolves just has no link)
            url = None
        return AuditEntry(
            when=row.history_date,
            who=str(user) if user is not None else "",
            kind=kind,
            kind_label=str(audited.label),
            action=row.history_type,
            action_label=str(ACTION_LABELS.get(row.history_type, row.history_type)),
            object_label=labels.get(audited.model, row.id) or _row_label(row),
            object_url=url if row.history_type != "-" else None,
            changes=changes,
        )


class _Labels:
    """str() of related objects, one query per model for a whole page."""

    def __init__(self):
        self.wanted: dict[type, set] = defaultdict(set)
        self.found: dict[tuple[type, object], str] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            qs = model._default_manager.filter(pk__in=pks)
            if model in LABEL_JOINS:
                qs = qs.select_related(*LABEL_JOINS[model])
            if model is Resident:
                qs = qs.only("id", "name")
            elif model is User:
                qs = qs.only("id", "username", "display_name")
            for obj in qs:
                self.found[model, obj.pk] = str(obj)

    def get(self, model, pk) -> str:
        return self.found.get((model, pk), "")


def _diffed_fields(model) -> list[models.Field]:
    history_names = {f.name for f in model.history.model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in history_names and f.name not in SKIPPED_FIELDS and not f.name.endswith("_hash")
    ]


def _names(labelled: dict) -> str:
    """Related objects (a resident's tags) as one value, e.g. 独居、高龄."""
    return _("、").join(sorted(labelled.values())) if labelled else _("（空）")


def _row_label(row) -> str:
    name = getattr(row, "name", "") or getattr(row, "number", "")
    return str(name) if name else f"#{row.id}"


def _empty(value: str) -> str:
    return value or _("（空）")


def _display(f: models.Field, value, labels: _Labels) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(f, models.ForeignKey):
        return labels.get(f.related_model, value) or f"#{value}"
    if f.flatchoices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), _("Y年n月j日 H:i"))
    if isinstance(value, dt.date):
        return date_format(value, _("Y年n月j日"))
    return str(value)


# ── The pages' sources ─────────────────────────────────────────────────────────────────────────────


def resident_timeline(user, resident: Resident) -> Timeline:
    """Every change to one resident (the caller checked `registry.view_resident_history`)."""
    from linli.registry.privacy import may_reveal

    return Timeline(
        [("resident", Resident.history.filter(id=resident.pk))],
        may_see_masked=lambda kind, name: may_reveal(user, resident, name),
    )


def household_timeline(user, household: Household) -> Timeline:
    """Changes to a household and to its residents while they belonged to it."""
    from linli.core.scope import scope_for

    scope = scope_for(user)
    staff = scope.is_staff_of(household.community_id)
    leader = household.flat.building_id in scope.buildings

    def may_see_masked(kind: str, name: str) -> bool:
        return staff or (leader and name == "phone")

    return Timeline(
        [
            ("household", Household.history.filter(id=household.pk)),
            ("resident", Resident.history.filter(household_id=household.pk)),
        ],
        may_see_masked=may_see_masked,
    )


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    user_id: int | None = None
    kind: str = ""
    action: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def community_timeline(community: Community, filters: AuditFilters) -> Timeline:
    """Every change to the community's audited rows, filtered (the caller checked the staff permission:
    staff may reveal every field of the community, so sensitive changes show masked)."""
    sources = []
    for key, audited in AUDITED.items():
        if filters.kind and filters.kind != key:
            continue
        qs = audited.model.history.filter(community_id=community.pk)
        if filters.date_from:
            qs = qs.filter(history_date__gte=_day_start(filters.date_from))
        if filters.date_to:
            qs = qs.filter(history_date__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
        if filters.user_id:
            qs = qs.filter(history_user_id=filters.user_id)
        if filters.action in ACTION_LABELS:
            qs = qs.filter(history_type=filters.action)
        sources.append((key, qs))
    return Timeline(sources, may_see_masked=lambda kind, name: True)


def community_people(community: Community) -> QuerySet:
    """Users with a role in the community, for the "who" filters: members, and the residents who sign in
    (building and group leaders hold their role through their resident record, see linli.core.scope)."""
    return (
        User.objects.filter(
            Q(memberships__community=community)
            | Q(resident_records__community=community, resident_records__moved_out__isnull=True)
        )
        .distinct()
        .only("id", "username", "display_name")
        .order_by("username")
    )


# ── The access log ─────────────────────────────────────────────────────────────────────────────────

SIGN_IN_ACTIONS = (AccessAction.SIGN_IN, AccessAction.SIGN_OUT)


def access_log_entries(community: Community, filters: AuditFilters) -> QuerySet:
    """The access log of one community, newest first (the caller checked the staff permission).

    Reveals, exports and imports carry their community. Sign-ins and sign-outs carry none: they are the
    community's when the user holds an active role in it; a failed sign-in, when the username typed is
    that of such a user (otherwise only superusers see it, in the admin).
    """
    # Members, and the residents who sign in: leaders hold their role through their resident record.
    members = User.objects.filter(
        Q(memberships__community=community, memberships__is_active=True)
        | Q(resident_records__community=community, resident_records__moved_out__isnull=True)
    )
    condition = (
        Q(community=community)
        | Q(community__isnull=True, action__in=SIGN_IN_ACTIONS, user_id__in=members.values("pk"))
        | Q(
            community__isnull=True,
            action=AccessAction.SIGN_IN_FAILED,
            username__in=members.values("username"),
        )
    )
    qs = AccessLog.objects.filter(condition)
    if filters.date_from:
        qs = qs.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.user_id:
        username = User.objects.filter(pk=filters.user_id).values("username")
        qs = qs.filter(
            Q(user_id=filters.user_id) | Q(action=AccessAction.SIGN_IN_FAILED, username__in=username)
        )
    if filters.action in AccessAction.values:
        qs = qs.filter(action=filters.action)
    return qs.select_related("user").order_by("-at", "-id")


@dataclass(frozen=True)
class AccessRow:
    when: dt.datetime
    who: str
    action: str
    action_label: str
    object_label: str
    object_url: str | None
    field_label: str
    reason: str
    detail: str
    ip: str


class AccessRows:
    """A page of the access log as `AccessRow`s: the log rows and, in one more query, the names of the
    residents they concern (resident rows of this community only)."""

    DETAIL_KEYS = {"rows": gettext_lazy("%(value)s行"), "file_name": gettext_lazy("文件：%(value)s")}

    def __init__(self, queryset: QuerySet, community: Community):
        self.queryset = queryset
        self.community = community

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[AccessRow]:
        if not isinstance(key, slice):
            raise TypeError("AccessRows reads pages: index it with a slice")
        logs = list(self.queryset[key])
        resident_ids = {
            log.object_id for log in logs if log.object_type == "registry.resident" and log.object_id
        }
        names = dict(
            Resident.objects.filter(pk__in=resident_ids, community=self.community).values_list("id", "name")
        )
        from linli.registry.privacy import FIELD_LABELS

        actions = dict(AccessAction.choices)
        rows = []
        for log in logs:
            label, url = "", None
            if log.object_type == "registry.resident" and log.object_id in names:
                label = names[log.object_id]
                url = reverse("resident_detail", args=[log.object_id])
            detail = _("、").join(
                str(template) % {"value": log.detail[name]}
                for name, template in self.DETAIL_KEYS.items()
                if isinstance(log.detail, dict) and log.detail.get(name) not in (None, "")
            )
            rows.append(
                AccessRow(
                    when=log.at,
                    who=str(log.user) if log.user is not None else log.username,
                    action=log.action,
                    action_label=str(actions.get(log.action, log.action)),
                    object_label=label,
                    object_url=url,
                    field_label=str(FIELD_LABELS.get(log.field, log.field)),
                    reason=log.reason,
                    detail=detail,
                    ip=log.ip or "",
                )
            )
        return rows
