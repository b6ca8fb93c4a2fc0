"""Reads of the party-building overlay, always through the user's scope.

Party members are residents with an admission date (`Resident.party_joined`), read through the registry's
own scoped search (`registry.selectors.resident_matches`), so a building leader's list holds only their
buildings, exactly as the resident list does. Lists are read as plain values, page by page, in a fixed
number of queries whatever their length; standing and medal year are worked out in Python by the pure
rules of `linli.organizing.party`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import ngettext

from linli.core.models import Community
from linli.core.scope import scope_for
from linli.organizing import party
from linli.organizing.models import Group, IdentityPost, InServiceMember
from linli.registry import selectors as registry_selectors
from linli.registry.models import PartyBranch, Resident, age_on, building_label, flat_label


def _current_post(holder: str) -> Subquery:
    """The text of the holder's current identity post (亮身份), or NULL."""
    posts = IdentityPost.objects.filter(**{holder: OuterRef("pk")}, ended_on__isnull=True)
    return Subquery(posts.order_by("-started_on", "-pk").values("post")[:1])


# ── Party members ───────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PartyMemberFilters:
    q: str = ""
    branch: int | None = None
    no_branch: bool = False  # members with no branch recorded (a clerk's to-do)
    building: int | None = None
    medal_year: int | None = None  # candidates of this year's "光荣在党50年" medal
    shows_identity: bool | None = None


@dataclass(frozen=True, slots=True)
class PartyMemberRow:
    """One party member as the lists show them (labels already made)."""

    pk: int
    name: str
    age: str  # "82岁"
    building_id: int
    building: str  # "12号"
    flat: str  # "2单元301室"
    branch_id: int | None
    branch: str
    joined: dt.date
    full_member: dt.date | None
    standing: int | None  # whole years of standing today; None: probationary
    medal_year: int | None
    post: str  # the current identity post (亮身份), "" when none

    @property
    def is_probationary(self) -> bool:
        return self.standing is None

    @property
    def shows_identity(self) -> bool:
        return bool(self.post)


def party_member_matches(
    user, community: Community, filters: PartyMemberFilters, *, today: dt.date | None = None
) -> QuerySet:
    """Current residents of `community` who are party members and whom the user may see, filtered."""
    qs = registry_selectors.resident_matches(
        user,
        community,
        registry_selectors.ResidentFilters(q=filters.q, building=filters.building, party_member=True),
        today=today,
    )
    if filters.no_branch:
        qs = qs.filter(party_branch__isnull=True)
    elif filters.branch:
        qs = qs.filter(party_branch_id=filters.branch)
    if filters.medal_year is not None:
        window = party.medal_window(filters.medal_year)
        qs = qs.filter(party_full_member__lte=window.until)
        if window.after is not None:
            qs = qs.filter(party_full_member__gt=window.after)
    if filters.shows_identity is not None:
        current = IdentityPost.objects.filter(resident=OuterRef("pk"), ended_on__isnull=True)
        qs = qs.filter(Exists(current) if filters.shows_identity else ~Exists(current))
    return qs


class PartyMemberRows:
    """Party members as a lazy sequence of `PartyMemberRow` for a Paginator: `count()` is one COUNT, a
    slice one query (flat, building, branch and current identity post joined in)."""

    FIELDS = (
        "id",
        "name",
        "birth_date",
        "household__flat__building_id",
        "household__flat__building__number",
        "household__flat__entrance__number",
        "household__flat__number",
        "party_branch_id",
        "party_branch__name",
        "party_joined",
        "party_full_member",
        "post",
    )

    def __init__(self, queryset: QuerySet, *, today: dt.date | None = None):
        self.queryset = queryset.annotate(post=_current_post("resident"))
        self.today = today or dt.date.today()

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[PartyMemberRow]:
        if not isinstance(key, slice):
            raise TypeError("PartyMemberRows reads pages: index it with a slice")
        return member_rows(self.queryset.values_list(*self.FIELDS)[key], today=self.today)

    def all(self) -> list[PartyMemberRow]:
        return member_rows(self.queryset.values_list(*self.FIELDS), today=self.today)


def member_rows(values, *, today: dt.date) -> list[PartyMemberRow]:
    ages: dict[int, str] = {}
    rows = []
    for (
        pk,
        name,
        born,
        building_id,
        building,
        entrance,
        flat,
        branch_id,
        branch,
        joined,
        full_member,
        post,
    ) in values:
        age = age_on(born, today)
        if age not in ages:
            ages[age] = ngettext("%(age)s岁", "%(age)s岁", age) % {"age": age}
        rows.append(
            PartyMemberRow(
                pk=pk,
                name=name,
                age=ages[age],
                building_id=building_id,
                building=building_label(building),
                flat=flat_label(entrance, flat),
                branch_id=branch_id,
                branch=branch or "",
                joined=joined,
                full_member=full_member,
                standing=party.standing_years(full_member, today),
                medal_year=party.medal_year(full_member),
                post=post or "",
            )
        )
    return rows


def party_member_rows(
    user, community: Community, filters: PartyMemberFilters, *, today: dt.date | None = None
) -> PartyMemberRows:
    return PartyMemberRows(party_member_matches(user, community, filters, today=today), today=today)


def medal_candidates(
    user, community: Community, year: int, *, today: dt.date | None = None, branch: int | None = None
) -> list[PartyMemberRow]:
    """The living members (current residents) the user may see whose medal year is `year`, longest
    standing first: a suggestion for the branches, which judge conduct. Two queries at most."""
    qs = party_member_matches(
        user, community, PartyMemberFilters(medal_year=year, branch=branch), today=today
    )
    qs = qs.order_by("party_full_member", "name_pinyin", "id")
    return PartyMemberRows(qs, today=today).all()


def branch_options(community: Community) -> QuerySet:
    """The community's branches for a filter or a form; names only (not personal data: see
    registry.selectors.party_branch_list)."""
    return registry_selectors.party_branch_list(community).only("id", "name")


def building_options(user, community: Community) -> QuerySet:
    return registry_selectors.building_options(user, community)


@dataclass(frozen=True)
class PartyFigures:
    members: int
    full_members: int
    probationary: int
    medal_candidates: int  # this year's
    showing_identity: int


def party_figures(user, community: Community, *, today: dt.date | None = None) -> PartyFigures:
    """Counts over the party members the user may see, for the head of the list. One query."""
    today = today or dt.date.today()
    window = party.medal_window(max(today.year, party.MEDAL_FIRST_YEAR))
    medal = Q(party_full_member__lte=window.until)
    if window.after is not None:
        medal &= Q(party_full_member__gt=window.after)
    current = IdentityPost.objects.filter(resident=OuterRef("pk"), ended_on__isnull=True)
    qs = party_member_matches(user, community, PartyMemberFilters(), today=today).annotate(
        showing=Exists(current)
    )
    figures = qs.aggregate(
        members=Count("id"),
        full_members=Count("id", filter=Q(party_full_member__isnull=False, party_full_member__lte=today)),
        medal_candidates=Count("id", filter=medal),
        showing_identity=Count("id", filter=Q(showing=True)),
    )
    return PartyFigures(probationary=figures["members"] - figures["full_members"], **figures)


# ── Branches ────────────────────────────────────────────────────────────────────────────────────────


def access_branch(user, community_id: int, branch_id: int) -> PartyBranch:
    """A branch of a community the user has a role in (404 otherwise, or when the branch is another
    community's), which the user may open (403: staff only, see rules_party)."""
    community = registry_selectors.access_community(user, community_id)
    branch = get_object_or_404(
        PartyBranch.objects.select_related("community", "secretary"), pk=branch_id, community=community
    )
    if not user.has_perm("organizing.view_branch", branch):
        raise PermissionDenied
    return branch


@dataclass(frozen=True)
class BranchFigures:
    members: int
    full_members: int
    probationary: int
    average_standing: float | None  # of the full members
    medal_candidates: int  # this year's (living members whose medal year is this year)
    in_service: int  # current in-service members reporting to the branch
    showing_identity: int  # members and in-service members on an identity post now


@dataclass(frozen=True)
class InServiceRow:
    pk: int
    name: str
    phone: str  # in clear: templates and the API show it masked
    work_unit: str
    resident_id: int | None
    branch_id: int | None
    branch: str
    group_id: int | None
    group: str
    services: str
    registered_on: dt.date
    left_on: dt.date | None
    post: str

    @property
    def shows_identity(self) -> bool:
        return bool(self.post)


@dataclass(frozen=True)
class BranchPage:
    branch: PartyBranch
    members: list[PartyMemberRow]
    groups: list[Group]
    in_service: list[InServiceRow]
    figures: BranchFigures
    year: int  # the medal year counted in the figures


def branch_page(user, branch: PartyBranch, *, today: dt.date | None = None) -> BranchPage:
    """Everything the branch page shows, in three queries whatever the branch's size: its members (with
    flat and identity post), the groups it guides, its in-service members (with group and post)."""
    today = today or dt.date.today()
    scope = scope_for(user)
    residents = scope.within(
        Resident.objects.filter(party_branch=branch, party_joined__isnull=False, moved_out__isnull=True),
        branch.community_id,
    ).order_by("name_pinyin", "name_initials", "id")
    members = PartyMemberRows(residents, today=today).all()
    groups = list(
        scope.within(Group.objects.filter(branch=branch), branch.community_id).order_by("name", "pk")
    )
    in_service = in_service_rows(
        scope.within(
            InServiceMember.objects.filter(branch=branch, left_on__isnull=True), branch.community_id
        ).order_by("name", "pk")
    )
    year = max(today.year, party.MEDAL_FIRST_YEAR)
    full = [m for m in members if m.standing is not None]
    figures = BranchFigures(
        members=len(members),
        full_members=len(full),
        probationary=len(members) - len(full),
        average_standing=party.average_standing([m.standing for m in members]),
        medal_candidates=sum(1 for m in members if party.is_medal_candidate(m.full_member, year)),
        in_service=len(in_service),
        showing_identity=sum(1 for m in members if m.shows_identity)
        + sum(1 for s in in_service if s.shows_identity),
    )
    return BranchPage(
        branch=branch, members=members, groups=groups, in_service=in_service, figures=figures, year=year
    )


# ── In-service members (双报到) ───────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class InServiceFilters:
    q: str = ""
    branch: int | None = None
    include_left: bool = False


def in_service_matches(user, community: Community, filters: InServiceFilters) -> QuerySet:
    qs = scope_for(user).within(InServiceMember.objects.all(), community.pk)
    if not filters.include_left:
        qs = qs.filter(left_on__isnull=True)
    if filters.branch:
        qs = qs.filter(branch_id=filters.branch)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(work_unit__contains=q))
    return qs.order_by("name", "pk")


IN_SERVICE_FIELDS = (
    "id",
    "name",
    "phone",
    "work_unit",
    "resident_id",
    "branch_id",
    "branch__name",
    "group_id",
    "group__name",
    "services",
    "registered_on",
    "left_on",
    "post",
)


def in_service_rows(queryset: QuerySet) -> list[InServiceRow]:
    """The rows of a queryset of in-service members, in one query (branch, group and post joined in).
    The phone comes decrypted (the field's converter runs for values too)."""
    values = queryset.annotate(post=_current_post("in_service")).values_list(*IN_SERVICE_FIELDS)
    rows = []
    for (
        pk,
        name,
        phone,
        work_unit,
        resident_id,
        branch_id,
        branch,
        group_id,
        group,
        services,
        on,
        left,
        post,
    ) in values:
        rows.append(
            InServiceRow(
                pk=pk,
                name=name,
                phone=phone or "",
                work_unit=work_unit,
                resident_id=resident_id,
                branch_id=branch_id,
                branch=branch or "",
                group_id=group_id,
                group=group or "",
                services=services,
                registered_on=on,
                left_on=left,
                post=post or "",
            )
        )
    return rows


class InServiceRows:
    """In-service members as a lazy sequence of `InServiceRow` for a Paginator."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[InServiceRow]:
        if not isinstance(key, slice):
            raise TypeError("InServiceRows reads pages: index it with a slice")
        return in_service_rows(self.queryset[key])


def access_in_service(user, in_service_id: int) -> InServiceMember:
    """One in-service member in the user's scope (404 otherwise), with branch, group and resident."""
    qs = scope_for(user).filter(
        InServiceMember.objects.select_related("community", "branch", "group", "resident")
    )
    return get_object_or_404(qs, pk=in_service_id)


def current_identity_post(*, resident: Resident | None = None, in_service: InServiceMember | None = None):
    """The current identity post of a resident or an in-service member, or None."""
    holder = {"resident": resident} if resident is not None else {"in_service": in_service}
    return IdentityPost.objects.filter(**holder, ended_on__isnull=True).order_by("-started_on", "-pk").first()


def identity_history(resident: Resident) -> list[IdentityPost]:
    return list(IdentityPost.objects.filter(resident=resident).order_by("-started_on", "-pk"))


def access_party_member(user, resident_id: int) -> Resident:
    """A current party member the user may see (the registry's access rules, children included), or 404."""
    resident = registry_selectors.access_resident(user, resident_id)
    if not resident.is_party_member or not resident.is_current:
        raise Http404
    return resident


def group_options(community: Community) -> QuerySet:
    """The community's groups for the in-service form (names are the community's organisation)."""
    return Group.objects.filter(community=community).only("id", "name").order_by("name", "pk")
