"""Writes of the community's organisation: party branches, groups (六邻汇) and their members over time,
building groups (楼组) with their leaders and lift trio.

Each function checks the actor's permission (linli.organizing.rules_groups), validates everything and
collects every problem into one DomainError, then writes in one transaction. Leaders are written here
and nowhere else: linli.core.scope derives a leader's scope from these rows, so a change of leader
changes who sees what on the next request.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.identity import long_date
from linli.core.models import Community
from linli.organizing.models import BuildingGroup, Group, GroupMember, LiftTrioMember
from linli.registry.models import Building, Entrance, PartyBranch, Resident

TRIO_SEATS = 3


class _Problems:
    """Problems found so far, by field; `raise_if_any` turns them into one DomainError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainError(_("请更正标出的内容。"), errors=self.errors)


def _require(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise DomainError(_("您的角色不能进行此操作。"))


def _saved(row, actor, **kwargs):
    row._history_user = actor  # simple-history records who, also outside a request (API tokens, jobs)
    row.save(**kwargs)
    return row


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _people(community_id: int, ids: Iterable[int | None]) -> dict[int, Resident]:
    """The community's residents among `ids`, by id (moved-out ones included: callers say why not)."""
    wanted = {pk for pk in ids if pk}
    if not wanted:
        return {}
    return {r.pk: r for r in Resident.objects.filter(community_id=community_id, pk__in=wanted)}


# ── Periods ──────────────────────────────────────────────────────────────────────────────────────


def periods_overlap(start_a: dt.date, end_a: dt.date | None, start_b: dt.date, end_b: dt.date | None) -> bool:
    """Whether two membership periods share a day. A period runs from its joining day up to, not
    including, its leaving day (None: still running), so leaving on a day and joining again that same day
    do not overlap, and a period that ends the day it starts holds no day at all."""

    def before(day: dt.date, end: dt.date | None) -> bool:
        return end is None or day < end

    return (
        before(start_a, end_b)
        and before(start_b, end_a)
        and before(start_a, end_a)
        and before(start_b, end_b)
    )


def _period_label(start: dt.date, end: dt.date | None) -> str:
    if end is None:
        return _("%(start)s起至今") % {"start": long_date(start)}
    return _("%(start)s至%(end)s") % {"start": long_date(start), "end": long_date(end)}


# ── Party branches ───────────────────────────────────────────────────────────────────────────────


@dataclass
class BranchData:
    name: str
    secretary_id: int | None = None


def _check_branch(data: BranchData, *, community_id: int, branch: PartyBranch | None) -> dict:
    problems = _Problems()
    name = (data.name or "").strip()
    if not name:
        problems.add("name", _("请填写党支部名称。"))
    elif len(name) > 100:
        problems.add("name", _("名称不能超过100个字。"))
    elif (
        PartyBranch.objects.filter(community_id=community_id, name=name)
        .exclude(pk=branch.pk if branch else None)
        .exists()
    ):
        problems.add("name", _("本居民区已有名为“%(name)s”的党支部。") % {"name": name})
    secretary = None
    if data.secretary_id:
        secretary = _people(community_id, [data.secretary_id]).get(data.secretary_id)
        if secretary is None:
            problems.add("secretary", _("找不到这位居民，或不是本居民区的居民。"))
        elif not secretary.is_current:
            problems.add("secretary", _("%(name)s 已迁出，不能担任支部书记。") % {"name": secretary.name})
        elif not secretary.is_party_member:
            problems.add("secretary", _("%(name)s 不是党员，不能担任支部书记。") % {"name": secretary.name})
        elif secretary.party_branch_id and (branch is None or secretary.party_branch_id != branch.pk):
            problems.add(
                "secretary",
                _("%(name)s 的组织关系在其他党支部，请选择本支部的党员。") % {"name": secretary.name},
            )
    problems.raise_if_any()
    return {"name": name, "secretary": secretary}


@transaction.atomic
def branch_create(*, actor, community: Community, data: BranchData) -> PartyBranch:
    _require(actor, "organizing.add_branch", community)
    values = _check_branch(data, community_id=community.pk, branch=None)
    try:
        with transaction.atomic():
            return PartyBranch.objects.create(community=community, **values)
    except IntegrityError:  # the same name saved at the same moment: the unique constraint decides
        raise DomainError(_("本居民区已有同名的党支部。"), field="name") from None


@transaction.atomic
def branch_update(*, actor, branch: PartyBranch, data: BranchData) -> PartyBranch:
    branch = PartyBranch.objects.select_for_update().get(pk=branch.pk)
    _require(actor, "organizing.change_branch", branch)
    values = _check_branch(data, community_id=branch.community_id, branch=branch)
    branch.name, branch.secretary = values["name"], values["secretary"]
    try:
        with transaction.atomic():
            branch.save(update_fields=["name", "secretary"])
    except IntegrityError:
        raise DomainError(_("本居民区已有同名的党支部。"), field="name") from None
    return branch


# ── Groups ───────────────────────────────────────────────────────────────────────────────────────


@dataclass
class GroupData:
    """A group's settings. `leader_id` and `deputy_id` must be current members (None: nobody)."""

    name: str
    purpose: str = ""
    branch_id: int | None = None
    leader_id: int | None = None
    deputy_id: int | None = None
    is_active: bool = True


def _check_group(data: GroupData, *, community_id: int, group: Group | None) -> dict:
    problems = _Problems()
    name = (data.name or "").strip()
    if not name:
        problems.add("name", _("请填写团队名称。"))
    elif len(name) > 50:
        problems.add("name", _("名称不能超过50个字。"))
    elif (
        Group.objects.filter(community_id=community_id, name=name)
        .exclude(pk=group.pk if group else None)
        .exists()
    ):
        problems.add("name", _("本居民区已有名为“%(name)s”的团队。") % {"name": name})
    purpose = (data.purpose or "").strip()
    if len(purpose) > 200:
        problems.add("purpose", _("宗旨不能超过200个字。"))
    branch = None
    if data.branch_id:
        branch = PartyBranch.objects.filter(pk=data.branch_id, community_id=community_id).first()
        if branch is None:
            problems.add("branch", _("所选党支部不属于本居民区。"))
    members: dict[int, Resident] = {}
    if group is not None and (data.leader_id or data.deputy_id):
        members = {
            m.resident_id: m.resident
            for m in GroupMember.objects.filter(
                group=group, left_on__isnull=True, resident_id__in=[data.leader_id, data.deputy_id]
            ).select_related("resident")
        }
    posts = {}
    for post, pk in (("leader", data.leader_id), ("deputy", data.deputy_id)):
        person = members.get(pk) if pk else None
        if pk and person is None:
            problems.add(post, _("组长和副组长须是本团队的现有成员；请先把这位居民添加为成员。"))
        elif person is not None and not person.is_current:
            problems.add(post, _("%(name)s 已迁出，不能担任组长或副组长。") % {"name": person.name})
        elif person is not None and person.is_minor:
            problems.add(post, _("组长和副组长须年满18周岁。"))
        posts[post] = person
    if data.leader_id and data.leader_id == data.deputy_id:
        problems.add("deputy", _("组长和副组长不能是同一人。"))
    problems.raise_if_any()
    return {
        "name": name,
        "purpose": purpose,
        "branch": branch,
        "leader": posts["leader"],
        "deputy": posts["deputy"],
        "is_active": bool(data.is_active),
    }


@transaction.atomic
def group_create(*, actor, community: Community, data: GroupData) -> Group:
    """A new group. It has no members yet, so no leader: add members, then choose the leader."""
    _require(actor, "organizing.add_group", community)
    values = _check_group(data, community_id=community.pk, group=None)
    try:
        with transaction.atomic():
            return _saved(Group(community=community, **values), actor)
    except IntegrityError:
        raise DomainError(_("本居民区已有同名的团队。"), field="name") from None


@transaction.atomic
def group_update(*, actor, group: Group, data: GroupData) -> Group:
    """Change a group's settings, its leader or its deputy. The old leader's scope ends with the commit."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    _require(actor, "organizing.change_group", group)
    values = _check_group(data, community_id=group.community_id, group=group)
    for name, value in values.items():
        setattr(group, name, value)
    try:
        with transaction.atomic():
            _saved(group, actor, update_fields=list(values))
    except IntegrityError:
        raise DomainError(_("本居民区已有同名的团队。"), field="name") from None
    return group


@transaction.atomic
def group_member_add(
    *,
    actor,
    group: Group,
    resident_id: int | None,
    joined_on: dt.date | None,
    left_on: dt.date | None = None,
    today: dt.date | None = None,
) -> GroupMember:
    """Record a membership period: a current one (`left_on` None), or a past one for the record.

    The same person's periods in one group never overlap: the database allows one open period and one
    period per joining day; the closed periods are compared here, under a lock on the group so two
    clerks adding the same person at once cannot both pass the check."""
    group = Group.objects.select_for_update().get(pk=group.pk)
    _require(actor, "organizing.change_group_members", group)
    today = _today(today)
    problems = _Problems()
    resident = _people(group.community_id, [resident_id]).get(resident_id) if resident_id else None
    if resident is None:
        problems.add("resident", _("请选择本居民区的一位居民。"))
    if not group.is_active:
        problems.add("__all__", _("“%(group)s”已停止运作，不能再添加成员。") % {"group": group.name})
    if joined_on is None:
        problems.add("joined_on", _("请填写加入日期。"))
    elif joined_on > today:
        problems.add("joined_on", _("加入日期不能晚于今天。"))
    if left_on is not None:
        if left_on > today:
            problems.add("left_on", _("离开日期不能晚于今天。"))
        if joined_on is not None and left_on < joined_on:
            problems.add("left_on", _("离开日期不能早于加入日期。"))
    if resident is not None and left_on is None and not resident.is_current:
        problems.add("resident", _("%(name)s 已迁出，不能再加入团队。") % {"name": resident.name})
    problems.raise_if_any()
    for start, end in GroupMember.objects.filter(group=group, resident=resident).values_list(
        "joined_on", "left_on"
    ):
        if periods_overlap(start, end, joined_on, left_on) or start == joined_on:
            raise DomainError(
                _("%(name)s 在%(period)s已是“%(group)s”的成员，同一人的成员时间不能重叠。")
                % {"name": resident.name, "period": _period_label(start, end), "group": group.name},
                field="joined_on",
            )
    member = GroupMember(
        community_id=group.community_id, group=group, resident=resident, joined_on=joined_on, left_on=left_on
    )
    try:
        with transaction.atomic():
            _saved(member, actor)
    except IntegrityError:
        raise DomainError(
            _("%(name)s 已是“%(group)s”的成员，同一人的成员时间不能重叠。")
            % {"name": resident.name, "group": group.name},
            field="joined_on",
        ) from None
    return member


@transaction.atomic
def group_member_end(
    *, actor, member: GroupMember, left_on: dt.date | None, today: dt.date | None = None
) -> GroupMember:
    """End a current membership. A leader or deputy stays a member until someone else takes the post."""
    group = Group.objects.select_for_update().get(pk=member.group_id)
    member = GroupMember.objects.select_related("resident").get(pk=member.pk)
    _require(actor, "organizing.change_group_members", group)
    if member.left_on is not None:
        raise DomainError(
            _("%(name)s 已于%(day)s离开本团队。")
            % {"name": member.resident.name, "day": long_date(member.left_on)}
        )
    if member.resident_id in (group.leader_id, group.deputy_id):
        post = _("组长") if member.resident_id == group.leader_id else _("副组长")
        raise DomainError(
            _("%(name)s 是本团队的%(post)s，请先更换%(post)s，再结束其成员身份。")
            % {"name": member.resident.name, "post": post}
        )
    if left_on is None:
        raise DomainError(_("请填写离开日期。"), field="left_on")
    if left_on > _today(today):
        raise DomainError(_("离开日期不能晚于今天。"), field="left_on")
    if left_on < member.joined_on:
        raise DomainError(
            _("离开日期不能早于加入日期（%(day)s）。") % {"day": long_date(member.joined_on)}, field="left_on"
        )
    member.left_on = left_on
    return _saved(member, actor, update_fields=["left_on"])


# ── Building groups (楼组) ────────────────────────────────────────────────────────────────────────


@dataclass
class BuildingGroupData:
    """A building group's name, leader, deputy and lift trio (up to three resident ids, in seat order)."""

    name: str = ""
    leader_id: int | None = None
    deputy_id: int | None = None
    trio_ids: list[int] = field(default_factory=list)


def _check_building_group(
    data: BuildingGroupData, *, community_id: int, building_id: int, entrance_id: int | None
) -> dict:
    problems = _Problems()
    name = (data.name or "").strip()
    if len(name) > 30:
        problems.add("name", _("楼组名称不能超过30个字。"))
    trio_ids = [pk for pk in data.trio_ids if pk]
    people = _people(community_id, [data.leader_id, data.deputy_id, *trio_ids])
    posts = {}
    for post, pk in (("leader", data.leader_id), ("deputy", data.deputy_id)):
        person = people.get(pk) if pk else None
        if pk and person is None:
            problems.add(post, _("找不到这位居民，或不是本居民区的居民。"))
        elif person is not None and not person.is_current:
            problems.add(post, _("%(name)s 已迁出，不能担任楼组长或副楼组长。") % {"name": person.name})
        elif person is not None and person.is_minor:
            problems.add(post, _("楼组长和副楼组长须年满18周岁。"))
        posts[post] = person
    if data.leader_id and data.leader_id == data.deputy_id:
        problems.add("deputy", _("楼组长和副楼组长不能是同一人。"))
    if len(trio_ids) > TRIO_SEATS:
        problems.add("trio", _("加梯三人组最多三人。"))
    elif len(set(trio_ids)) != len(trio_ids):
        problems.add("trio", _("加梯三人组中同一人只能出现一次。"))
    else:
        living_here = Resident.objects.filter(
            pk__in=trio_ids, moved_out__isnull=True, household__flat__building_id=building_id
        )
        if entrance_id:
            living_here = living_here.filter(household__flat__entrance_id=entrance_id)
        here = set(living_here.values_list("pk", flat=True))
        if any(people[pk].is_minor for pk in trio_ids if pk in people):
            problems.add("trio", _("加梯三人组成员须年满18周岁。"))
        for pk in trio_ids:
            if pk not in here:
                person = people.get(pk)
                problems.add(
                    "trio",
                    _("%(name)s 不住在本楼组，加梯三人组须是本楼组的在住居民。")
                    % {"name": person.name if person else _("所选居民")},
                )
    problems.raise_if_any()
    return {
        "name": name,
        "leader": posts["leader"],
        "deputy": posts["deputy"],
        "trio": [people[pk] for pk in trio_ids],
    }


def _trio_write(actor, building_group: BuildingGroup, trio: list[Resident]) -> None:
    """Seat the trio in order, touching only the seats that change (each change leaves history rows)."""
    wanted = {person.pk: seat for seat, person in enumerate(trio, start=1)}
    kept = set()
    for row in LiftTrioMember.objects.filter(building_group=building_group):
        if wanted.get(row.resident_id) == row.seat:
            kept.add(row.resident_id)
        else:  # gone, or moving to another seat: freed first, so no two people ever share a seat
            row._history_user = actor
            row.delete()
    for person in trio:
        if person.pk not in kept:
            _saved(
                LiftTrioMember(
                    community_id=building_group.community_id,
                    building_group=building_group,
                    resident=person,
                    seat=wanted[person.pk],
                ),
                actor,
            )


@transaction.atomic
def building_group_create(
    *,
    actor,
    community: Community,
    building_id: int | None,
    entrance_id: int | None = None,
    data: BuildingGroupData | None = None,
) -> BuildingGroup:
    """A building group for a whole building, or for one entrance of it. A building is organised one way
    or the other: a whole-building group and entrance groups of the same building are not mixed."""
    _require(actor, "organizing.add_building_group", community)
    data = data or BuildingGroupData()
    building = Building.objects.filter(pk=building_id, community=community).first() if building_id else None
    if building is None:
        raise DomainError(_("请选择本居民区的一栋楼。"), field="building")
    building = Building.objects.select_for_update().get(pk=building.pk)  # one new group per building at once
    entrance = None
    if entrance_id:
        entrance = Entrance.objects.filter(pk=entrance_id, building=building).first()
        if entrance is None:
            raise DomainError(_("所选单元不在这栋楼。"), field="entrance")
    existing = BuildingGroup.objects.filter(building=building)
    if entrance is None and existing.exists():
        raise DomainError(
            _("%(building)s已有楼组（整栋或按单元），不能再建整栋楼的楼组。") % {"building": building},
            field="building",
        )
    if entrance is not None and existing.filter(entrance__isnull=True).exists():
        raise DomainError(
            _("%(building)s已有整栋楼的楼组，不能再按单元组建。") % {"building": building}, field="entrance"
        )
    if entrance is not None and existing.filter(entrance=entrance).exists():
        raise DomainError(_("%(entrance)s已有楼组。") % {"entrance": entrance}, field="entrance")
    values = _check_building_group(
        data,
        community_id=community.pk,
        building_id=building.pk,
        entrance_id=entrance.pk if entrance else None,
    )
    trio = values.pop("trio")
    group = BuildingGroup(community=community, building=building, entrance=entrance, **values)
    try:
        with transaction.atomic():
            _saved(group, actor)
    except IntegrityError:
        raise DomainError(_("这栋楼（或单元）已有楼组。"), field="building") from None
    _trio_write(actor, group, trio)
    return group


@transaction.atomic
def building_group_update(*, actor, building_group: BuildingGroup, data: BuildingGroupData) -> BuildingGroup:
    """Change a building group's name, leader, deputy and lift trio. Its own leaders may rename it and
    choose the trio; the leader and deputy are the committee's to change (they decide who sees the
    building's residents)."""
    group = (
        BuildingGroup.objects.select_for_update(of=("self",))
        .select_related("leader", "deputy")
        .get(pk=building_group.pk)
    )
    _require(actor, "organizing.change_building_group_trio", group)
    if not actor.has_perm("organizing.change_building_group", group) and (
        data.leader_id != group.leader_id or data.deputy_id != group.deputy_id
    ):
        raise DomainError(_("只有居委干部可以更换楼组长和副楼组长。"))
    values = _check_building_group(
        data, community_id=group.community_id, building_id=group.building_id, entrance_id=group.entrance_id
    )
    trio = values.pop("trio")
    for name, value in values.items():
        setattr(group, name, value)
    _saved(group, actor, update_fields=list(values))
    _trio_write(actor, group, trio)
    return group
