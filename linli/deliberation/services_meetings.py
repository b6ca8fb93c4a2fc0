"""Writes of meetings (议事会): the meeting, its agenda, invitees, sign-in, minutes, resolutions and
follow-up tasks.

Each function checks the actor's permission (rules_meetings), collects every problem into one
DomainError, then writes in one transaction, naming the actor for the history. One sign-in per meeting
and resident is the database's constraint; a resolution's outcome comes from the residents' meeting rule
in linli.deliberation.thresholds (more than half of those entitled present, more than half of those
present in favour), and is stored with the counts it was decided on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.models import Community, Membership, Role
from linli.core.scope import scope_for
from linli.deliberation.models import (
    AgendaItem,
    Attendance,
    CheckInMethod,
    FollowUpTask,
    Invitee,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    Minutes,
    Resolution,
)
from linli.deliberation.thresholds import Outcome, residents_meeting_passes
from linli.registry.models import Building, Resident

MAX_AGENDA_ITEMS = 30
MAX_INVITEES = 2000


class _Problems:
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
    row._history_user = actor
    row.save(**kwargs)
    return row


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


# ── Who belongs to a meeting ─────────────────────────────────────────────────────────────────────


def meeting_residents(meeting: Meeting) -> QuerySet:
    """Current residents of the meeting's place: its buildings (building level) or its community."""
    qs = Resident.objects.filter(community_id=meeting.community_id, moved_out__isnull=True)
    if meeting.level == MeetingLevel.BUILDING:
        qs = qs.filter(household__flat__building__in=meeting.buildings.all())
    return qs


def meeting_resident(meeting: Meeting, resident_id) -> Resident | None:
    """A resident the sheet may tick: one of the meeting's residents or an invitee (None otherwise, and
    for anything that is not a sane id)."""
    try:
        pk = int(resident_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    invited = Invitee.objects.filter(meeting=meeting, resident_id=pk).values("resident_id")
    return (
        Resident.objects.filter(
            Q(pk__in=meeting_residents(meeting).filter(pk=pk).values("pk")) | Q(pk__in=invited)
        )
        .select_related("household__flat")
        .first()
    )


def check_in_refusal(meeting: Meeting, resident: Resident | None) -> str | None:
    """Why `resident` may not sign in to `meeting` themselves, or None when they may: a current
    resident of the community who is invited, or lives in one of the meeting's buildings."""
    if resident is None:
        return _("您的账号没有关联居民信息，无法签到。请向工作人员签到。")
    if resident.community_id != meeting.community_id or resident.moved_out is not None:
        return _("您不在本次会议的参会范围内。如有疑问，请向工作人员签到。")
    if meeting.status == MeetingStatus.CANCELLED:
        return _("本次会议已取消。")
    invited = Invitee.objects.filter(meeting=meeting, resident=resident).exists()
    lives_there = (
        meeting.level == MeetingLevel.BUILDING
        and meeting.buildings.filter(pk=resident.household.flat.building_id).exists()
    )
    if not (invited or lives_there):
        return _("您不在本次会议的参会范围内。如有疑问，请向工作人员签到。")
    return None


def resident_of_user(user, community_id: int | None = None) -> Resident | None:
    """The user's current resident record (Resident.user), in `community_id` when given."""
    if user is None or not user.is_authenticated:
        return None
    qs = Resident.objects.filter(user=user, moved_out__isnull=True).select_related("household__flat")
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    return qs.order_by("pk").first()


# ── Meetings ─────────────────────────────────────────────────────────────────────────────────────


@dataclass
class MeetingData:
    title: str
    starts_at: dt.datetime | None
    level: str = MeetingLevel.BUILDING
    building_ids: list[int] = field(default_factory=list)
    place: str = ""
    status: str = MeetingStatus.PLANNED


def _check_meeting(actor, community: Community, data: MeetingData) -> dict:
    problems = _Problems()
    title = (data.title or "").strip()
    if not title:
        problems.add("title", _("请填写会议名称。"))
    elif len(title) > 100:
        problems.add("title", _("会议名称不能超过100个字。"))
    place = (data.place or "").strip()
    if len(place) > 100:
        problems.add("place", _("地点不能超过100个字。"))
    if data.starts_at is None:
        problems.add("starts_at", _("请填写开始时间。"))
    elif timezone.is_naive(data.starts_at):
        problems.add("starts_at", _("开始时间须带时区。"))
    if data.status not in MeetingStatus.values:
        problems.add("status", _("请选择会议状态。"))
    buildings: list[Building] = []
    if data.level not in MeetingLevel.values:
        problems.add("level", _("请选择会议层级。"))
    elif data.level == MeetingLevel.COMMUNITY:
        if data.building_ids:
            problems.add("buildings", _("居民区会议不指定楼栋。"))
        if not scope_for(actor).is_staff_of(community.pk):
            problems.add("level", _("只有居委干部可以召开居民区会议。"))
    else:
        wanted = set(data.building_ids or [])
        buildings = list(Building.objects.filter(community=community, pk__in=wanted))
        scope = scope_for(actor)
        if not wanted:
            problems.add("buildings", _("楼组会议请至少选择一栋楼。"))
        elif len(buildings) != len(wanted):
            problems.add("buildings", _("所选楼栋不属于本居民区。"))
        elif not scope.is_staff_of(community.pk) and not {b.pk for b in buildings} <= set(scope.buildings):
            problems.add("buildings", _("您只能为自己负责的楼栋召开会议。"))
    problems.raise_if_any()
    return {
        "values": {
            "title": title,
            "place": place,
            "starts_at": data.starts_at,
            "status": data.status,
            "level": data.level,
        },
        "buildings": buildings,
    }


@transaction.atomic
def meeting_create(*, actor, community: Community, data: MeetingData) -> Meeting:
    _require(actor, "deliberation.add_meeting", community)
    checked = _check_meeting(actor, community, data)
    meeting = _saved(Meeting(community=community, created_by=actor, **checked["values"]), actor)
    meeting.buildings.set(checked["buildings"])
    return meeting


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: MeetingData) -> Meeting:
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    checked = _check_meeting(actor, meeting.community, data)
    for name, value in checked["values"].items():
        setattr(meeting, name, value)
    _saved(meeting, actor, update_fields=list(checked["values"]))
    meeting.buildings.set(checked["buildings"])
    return meeting


@transaction.atomic
def agenda_set(*, actor, meeting: Meeting, items: list[tuple[str, str]]) -> list[AgendaItem]:
    """Replace the agenda with `items` (title, notes) in this order; blank titles are dropped."""
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    problems = _Problems()
    cleaned = [((t or "").strip(), (n or "").strip()) for t, n in items if (t or "").strip()]
    if len(cleaned) > MAX_AGENDA_ITEMS:
        problems.add("agenda", _("议程最多%(max)s项。") % {"max": MAX_AGENDA_ITEMS})
    for title, _notes in cleaned:
        if len(title) > 200:
            problems.add("agenda", _("每项议题不能超过200个字。"))
            break
    problems.raise_if_any()
    for old in AgendaItem.objects.filter(meeting=meeting):
        old._history_user = actor
        old.delete()
    return [
        _saved(
            AgendaItem(community_id=meeting.community_id, meeting=meeting, position=i, title=t, notes=n),
            actor,
        )
        for i, (t, n) in enumerate(cleaned, start=1)
    ]


@transaction.atomic
def invitees_set(*, actor, meeting: Meeting, resident_ids: list[int]) -> int:
    """Make the invitees exactly `resident_ids`, chosen among the meeting's residents
    (`meeting_residents`); returns how many are invited."""
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    wanted = {int(pk) for pk in resident_ids}
    if len(wanted) > MAX_INVITEES:
        raise DomainError(_("参会人太多了。"), field="invitees")
    allowed = set(meeting_residents(meeting).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - allowed:
        raise DomainError(_("参会人须是本次会议范围内的在住居民。"), field="invitees")
    current = {i.resident_id: i for i in Invitee.objects.filter(meeting=meeting)}
    for resident_id, row in current.items():
        if resident_id not in wanted:
            row._history_user = actor
            row.delete()
    for resident_id in wanted - set(current):
        _saved(Invitee(community_id=meeting.community_id, meeting=meeting, resident_id=resident_id), actor)
    return len(wanted)


def household_representatives(meeting: Meeting) -> list[int]:
    """One adult per household of the meeting's place: the head (户主) when there is one, else the oldest."""
    chosen: dict[int, tuple] = {}
    for pk, household_id, relation, birth in meeting_residents(meeting).values_list(
        "pk", "household_id", "relation", "birth_date"
    ):
        key = (relation != "head", birth, pk)
        if household_id not in chosen or key < chosen[household_id]:
            chosen[household_id] = key
    return sorted(key[2] for key in chosen.values())


# ── Sign-in ──────────────────────────────────────────────────────────────────────────────────────


@transaction.atomic
def meeting_check_in(*, actor, meeting: Meeting, resident: Resident, method: str) -> Attendance:
    """Sign `resident` in to `meeting`: by staff on the sheet (`method` staff: the actor runs the
    meeting), or by the resident with the QR code (`method` qr: the actor is the resident's own sign-in
    and `check_in_refusal` allows it). Signing in twice returns the first sign-in unchanged."""
    meeting = _locked(meeting)
    if method == CheckInMethod.STAFF:
        _require(actor, "deliberation.change_meeting", meeting)
        if (
            not meeting_residents(meeting).filter(pk=resident.pk).exists()
            and not Invitee.objects.filter(meeting=meeting, resident=resident).exists()
        ):
            raise DomainError(_("这位居民不在本次会议的参会范围内。"), field="resident")
        if meeting.status == MeetingStatus.CANCELLED:
            raise DomainError(_("本次会议已取消。"))
    elif method == CheckInMethod.QR:
        if resident.user_id is None or resident.user_id != actor.pk:
            raise DomainError(_("只能为自己扫码签到。"))
        refusal = check_in_refusal(meeting, resident)
        if refusal:
            raise DomainError(refusal)
    else:
        raise DomainError(_("签到方式不正确。"), field="method")
    existing = Attendance.objects.filter(meeting=meeting, resident=resident).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _saved(
                Attendance(
                    community_id=meeting.community_id,
                    meeting=meeting,
                    resident=resident,
                    method=method,
                    at=timezone.now(),
                    recorded_by=actor,
                ),
                actor,
            )
    except IntegrityError:  # signed in at the same moment elsewhere: that one stands
        return Attendance.objects.get(meeting=meeting, resident=resident)


@transaction.atomic
def attendance_remove(*, actor, meeting: Meeting, resident_id: int) -> None:
    """Untick a resident on the sign-in sheet (a mistaken tick)."""
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    for row in Attendance.objects.filter(meeting=meeting, resident_id=resident_id):
        row._history_user = actor
        row.delete()


# ── Minutes, resolutions, tasks ──────────────────────────────────────────────────────────────────


@transaction.atomic
def minutes_save(*, actor, meeting: Meeting, text: str, approve: bool = False) -> Minutes:
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.approved:
        raise DomainError(_("会议记录已审定，不能再修改。"), field="text")
    text = (text or "").strip()
    if len(text) > 50_000:
        raise DomainError(_("会议记录太长了（最多50000字）。"), field="text")
    if approve and not text:
        raise DomainError(_("会议记录为空，不能审定。"), field="text")
    if minutes is None:
        minutes = Minutes(community_id=meeting.community_id, meeting=meeting)
    minutes.text, minutes.recorder = text, actor
    if approve:
        minutes.approved, minutes.approved_at = True, timezone.now()
    return _saved(minutes, actor)


@dataclass
class VoteCounts:
    entitled: int | None
    present: int | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None


def resolution_outcome(counts: VoteCounts) -> Outcome:
    return residents_meeting_passes(
        entitled=counts.entitled, present=counts.present, in_favour=counts.votes_for
    )


@transaction.atomic
def resolution_record(*, actor, meeting: Meeting, text: str, counts: VoteCounts) -> Resolution:
    """Record a motion and its vote; the outcome is the residents' meeting rule's (strictly more than half
    present, strictly more than half of those present in favour)."""
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    problems = _Problems()
    text = (text or "").strip()
    if not text:
        problems.add("text", _("请填写决议内容。"))
    elif len(text) > 2000:
        problems.add("text", _("决议内容不能超过2000字。"))
    numbers = {}
    for name in ("entitled", "present", "votes_for", "votes_against", "votes_abstain"):
        value = getattr(counts, name)
        if value is None:
            problems.add(name, _("请填写人数。"))
        elif value < 0 or value > 100_000:
            problems.add(name, _("人数应在0到100000之间。"))
        else:
            numbers[name] = value
    if len(numbers) == 5:
        if numbers["present"] > numbers["entitled"]:
            problems.add("present", _("实到人数不能多于应到人数。"))
        if numbers["votes_for"] + numbers["votes_against"] + numbers["votes_abstain"] > numbers["present"]:
            problems.add("votes_for", _("赞成、反对、弃权合计不能多于实到人数。"))
        if numbers["entitled"] == 0:
            problems.add("entitled", _("应到人数须大于0。"))
    problems.raise_if_any()
    outcome = resolution_outcome(VoteCounts(**numbers))
    position = (Resolution.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"] or 0) + 1
    return _saved(
        Resolution(
            community_id=meeting.community_id,
            meeting=meeting,
            position=position,
            text=text,
            passed=outcome.passed,
            recorded_by=actor,
            **numbers,
        ),
        actor,
    )


def task_owner_choices(meeting: Meeting) -> QuerySet:
    """Who may own a follow-up task: the community's staff, and the signed-in current residents of the
    meeting's place (a building leader, a household representative)."""
    staff = Membership.objects.filter(community_id=meeting.community_id, role=Role.STAFF, is_active=True)
    residents = meeting_residents(meeting).filter(user__isnull=False)
    return (
        get_user_model()
        .objects.filter(
            Q(pk__in=staff.values("user_id")) | Q(pk__in=residents.values("user_id")), is_active=True
        )
        .order_by("display_name", "username")
    )


@transaction.atomic
def task_add(
    *, actor, meeting: Meeting, text: str, owner_id: int | None, due_on: dt.date | None
) -> FollowUpTask:
    meeting = _locked(meeting)
    _require(actor, "deliberation.change_meeting", meeting)
    problems = _Problems()
    text = (text or "").strip()
    if not text:
        problems.add("text", _("请填写事项。"))
    elif len(text) > 200:
        problems.add("text", _("事项不能超过200个字。"))
    if due_on is None:
        problems.add("due_on", _("请填写完成期限。"))
    owner = None
    if owner_id:
        owner = task_owner_choices(meeting).filter(pk=owner_id).first()
        if owner is None:
            problems.add("owner", _("负责人须是本居民区的工作人员或本次会议范围内的居民。"))
    else:
        problems.add("owner", _("请选择负责人。"))
    problems.raise_if_any()
    return _saved(
        FollowUpTask(
            community_id=meeting.community_id, meeting=meeting, text=text, owner=owner, due_on=due_on
        ),
        actor,
    )


@transaction.atomic
def task_set_done(*, actor, task: FollowUpTask, done: bool) -> FollowUpTask:
    task = FollowUpTask.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    if not (actor.has_perm("deliberation.change_meeting", task.meeting) or task.owner_id == actor.pk):
        raise DomainError(_("您的角色不能进行此操作。"))
    task.done_at = timezone.now() if done else None
    return _saved(task, actor, update_fields=["done_at"])
