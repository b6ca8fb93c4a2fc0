"""Writes of consultations and votes: create, open (fixing the electorate), cast a ballot, close.

Integrity comes from the database first (models/votes.py); these functions add what a constraint cannot
say — who may cast which kind of ballot, the open period, answers that belong to the questions — and
record every refused attempt on a closed consultation (and every duplicate) in `VoteAttemptLog`, written
after the refused transaction has rolled back so the record survives it.

Casting locks the consultation row (`select_for_update`) so a ballot and the close cannot cross: a ballot
either lands before the close or is refused after it. Two ballots of the same voter are decided by the
one-to-one `Ballot.voter`: the second insert fails and its caller is told so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.deliberation import rules_votes
from linli.deliberation.models import (
    Answer,
    Ballot,
    BallotMethod,
    Choice,
    Consultation,
    ConsultationStatus,
    Electorate,
    Question,
    QuestionKind,
    VoteAttemptLog,
    Voter,
    Weighting,
)
from linli.deliberation.thresholds import RULES
from linli.registry.models import Ownership, Resident

ADULT_AGE = 18  # 城市居民委员会组织法: residents aged 18 and over take part in residents' meetings
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")


# ── Creating ─────────────────────────────────────────────────────────────────────────────────────


@dataclass
class QuestionSpec:
    text: str
    kind: str = QuestionKind.APPROVE
    choices: tuple[str, ...] = ()


def _require_staff(actor, community_id: int) -> None:
    if not rules_votes._is_staff(actor, community_id):
        raise DomainError(_("只有本居民区的居委工作人员可以进行此操作。"))


def consultation_create(
    *,
    actor,
    community,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    questions: list[QuestionSpec],
    description: str = "",
    electorate: str = Electorate.RESIDENTS,
    buildings=(),
    group=None,
    weighting: str = Weighting.HEADCOUNT,
    threshold: str = "simple_majority",
) -> Consultation:
    """A draft consultation with its questions. Approve questions get 同意/不同意/弃权 (同意 counts in
    favour); single and multiple questions need at least two choices of their own."""
    _require_staff(actor, community.pk)
    errors: dict[str, list[str]] = defaultdict(list)
    title = (title or "").strip()
    if not title:
        errors["title"].append(_("请填写标题。"))
    if electorate not in Electorate.values:
        errors["electorate"].append(_("请选择投票人范围。"))
    if weighting not in Weighting.values:
        errors["weighting"].append(_("请选择计票方式。"))
    elif weighting == Weighting.AREA and electorate != Electorate.OWNERS:
        errors["weighting"].append(_("按面积计票只适用于业主表决。"))
    if threshold not in RULES:
        errors["threshold"].append(_("请选择通过规则。"))
    if opens_at is None or closes_at is None:
        errors["closes_at"].append(_("请填写开始和截止时间。"))
    elif closes_at <= opens_at:
        errors["closes_at"].append(_("截止时间必须晚于开始时间。"))
    if electorate == Electorate.GROUP_MEMBERS:
        if group is None:
            errors["group"].append(_("小组成员表决须选择小组。"))
        elif group.community_id != community.pk:
            errors["group"].append(_("所选小组不属于本居民区。"))
    buildings = list(buildings)
    if any(b.community_id != community.pk for b in buildings):
        errors["buildings"].append(_("所选楼栋不属于本居民区。"))
    if not questions:
        errors["questions"].append(_("至少需要一个问题。"))
    for q in questions:
        if not (q.text or "").strip():
            errors["questions"].append(_("问题内容不能为空。"))
        if q.kind not in QuestionKind.values:
            errors["questions"].append(_("问题类型无效。"))
        elif q.kind != QuestionKind.APPROVE and len([c for c in q.choices if c.strip()]) < 2:
            errors["questions"].append(_("单选或多选问题至少需要两个选项。"))
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=dict(errors))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community,
            title=title,
            description=description,
            electorate=electorate,
            group=group if electorate == Electorate.GROUP_MEMBERS else None,
            weighting=weighting,
            threshold=threshold,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        if buildings:
            consultation.buildings.set(buildings)
        for position, spec in enumerate(questions, start=1):
            question = Question.objects.create(
                community=community,
                consultation=consultation,
                position=position,
                text=spec.text.strip(),
                kind=spec.kind,
            )
            if spec.kind == QuestionKind.APPROVE:
                texts = [(_("同意"), True), (_("不同意"), False), (_("弃权"), False)]
            else:
                texts = [(c.strip(), False) for c in spec.choices if c.strip()]
            Choice.objects.bulk_create(
                Choice(community=community, question=question, position=i, text=t, in_favour=f)
                for i, (t, f) in enumerate(texts, start=1)
            )
    return consultation


# ── The electorate ───────────────────────────────────────────────────────────────────────────────


def _adults(queryset, today: dt.date):
    """Current, not anonymised residents aged 18 or more on `today` (birth date on or before the day)."""
    try:
        cutoff = today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - ADULT_AGE, day=28)
    return queryset.filter(moved_out__isnull=True, anonymised_at__isnull=True, birth_date__lte=cutoff)


def area_weight(area: Decimal, share: Fraction) -> Fraction:
    """A flat's area (exact decimal m²) times an ownership share, exactly."""
    return Fraction(area) * share


def electorate_rows(consultation: Consultation, *, today: dt.date) -> list[Voter]:
    """The voters a consultation would fix if opened on `today` (unsaved rows)."""
    building_ids = list(consultation.buildings.values_list("pk", flat=True))
    community = consultation.community
    rows: list[Voter] = []
    if consultation.electorate in (Electorate.RESIDENTS, Electorate.GROUP_MEMBERS):
        residents = Resident.objects.filter(community=community)
        if building_ids:
            residents = residents.filter(household__flat__building_id__in=building_ids)
        if consultation.entrance_id:
            residents = residents.filter(household__flat__entrance_id=consultation.entrance_id)
        if consultation.electorate == Electorate.GROUP_MEMBERS:
            from linli.organizing.models import GroupMember

            members = GroupMember.objects.filter(group_id=consultation.group_id, left_on__isnull=True)
            residents = residents.filter(pk__in=members.values("resident_id"))
        for r in _adults(residents, today).select_related("household__flat").order_by("pk"):
            flat = r.household.flat
            rows.append(
                Voter(
                    community=community,
                    consultation=consultation,
                    resident=r,
                    household=r.household,
                    flat=flat,
                    building_id=flat.building_id,
                )
            )
        return rows
    # Owners: one voter per owner, weighing Σ area × share over their flats in the consultation's place.
    ownerships = Ownership.objects.filter(community=community).select_related("flat", "owner__resident")
    if building_ids:
        ownerships = ownerships.filter(flat__building_id__in=building_ids)
    if consultation.entrance_id:
        ownerships = ownerships.filter(flat__entrance_id=consultation.entrance_id)
    by_owner: dict[int, list[Ownership]] = defaultdict(list)
    for o in ownerships.order_by("owner_id", "flat_id"):
        by_owner[o.owner_id].append(o)
    for owner_id, held in by_owner.items():
        weight = Fraction(1)
        if consultation.weighting == Weighting.AREA:
            weight = sum((area_weight(o.flat.area, o.share) for o in held), Fraction(0))
        first = held[0]
        resident = first.owner.resident
        rows.append(
            Voter(
                community=community,
                consultation=consultation,
                owner_id=owner_id,
                household_id=resident.household_id if resident and resident.moved_out is None else None,
                flat=first.flat,
                building_id=first.flat.building_id,
                weight_numerator=weight.numerator,
                weight_denominator=weight.denominator,
            )
        )
    return rows


def consultation_open(*, actor, consultation: Consultation) -> Consultation:
    """Open a draft: fix the electorate as it stands today. Refused without questions or voters."""
    _require_staff(actor, consultation.community_id)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.status != ConsultationStatus.DRAFT:
            raise DomainError(_("只有草稿状态的意见征询可以开始。"))
        now = timezone.now()
        if now >= consultation.closes_at:
            raise DomainError(_("截止时间已过，不能开始。请先修改截止时间。"), field="closes_at")
        if not Choice.objects.filter(question__consultation=consultation).exists():
            raise DomainError(_("请先添加问题和选项。"))
        voters = electorate_rows(consultation, today=timezone.localdate())
        if not voters:
            raise DomainError(_("没有符合条件的投票人，不能开始。"))
        Voter.objects.bulk_create(voters)
        consultation.status = ConsultationStatus.OPEN
        consultation.opened_at = now
        consultation._change_reason = "open"
        consultation.save(update_fields=["status", "opened_at"])
    return consultation


def consultation_close(*, actor, consultation: Consultation) -> Consultation:
    """Close an open consultation: from now on no ballot can be cast or changed, and the result shows."""
    _require_staff(actor, consultation.community_id)
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.status != ConsultationStatus.OPEN:
            raise DomainError(_("只有进行中的意见征询可以结束。"))
        consultation.status = ConsultationStatus.CLOSED
        consultation.closed_at = timezone.now()
        consultation._change_reason = "close"
        consultation.save(update_fields=["status", "closed_at"])
    return consultation


# ── Casting ──────────────────────────────────────────────────────────────────────────────────────


class _Refused(Exception):
    def __init__(self, message: str, *, log: bool, field: str | None = None):
        super().__init__(message)
        self.message, self.log, self.field = message, log, field


def check_upload(upload, *, field: str, allow_pdf: bool = False) -> None:
    """An uploaded photo (or, for a proxy's authorisation, a PDF) of at most 10 MB, recognised by its first
    bytes (Pillow is not installed: JPEG, PNG, GIF, WebP, and %PDF when allowed)."""
    if upload is None:
        raise DomainError(_("请上传文件。"), field=field)
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise DomainError(_("上传的文件是空的。"), field=field)
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(_("文件不能超过10MB。"), field=field)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    is_image = head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
    if is_image or (allow_pdf and head.startswith(b"%PDF-")):
        return
    if allow_pdf:
        raise DomainError(_("请上传委托书的照片（JPG、PNG）或PDF文件。"), field=field)
    raise DomainError(_("请上传签字表决票的照片（JPG、PNG、GIF或WebP）。"), field=field)


def _check_method(actor, voter: Voter, method: str, photo, proxy_name: str, proxy_document) -> None:
    if method not in BallotMethod.values:
        raise DomainError(_("投票方式无效。"), field="method")
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise DomainError(_("请先登录。"))
    staff = rules_votes._is_staff(actor, voter.community_id)
    if method == BallotMethod.ONLINE:
        own = Voter.objects.filter(pk=voter.pk).filter(rules_votes.user_voter_q(actor)).exists()
        if not own:
            raise DomainError(_("网上投票只能由投票人本人进行。"), field="method")
    elif method in (BallotMethod.PAPER, BallotMethod.PROXY):
        if not staff:
            raise DomainError(_("纸质表决票和委托投票由居委工作人员录入。"), field="method")
    elif method == BallotMethod.DOORSTEP and not rules_votes.may_record_doorstep_for(actor, voter):
        raise DomainError(_("您不能为这位投票人记录上门代填的表决票。"), field="method")
    if method in (BallotMethod.PAPER, BallotMethod.DOORSTEP):
        check_upload(photo, field="photo")
    if method == BallotMethod.PROXY:
        if not (proxy_name or "").strip():
            raise DomainError(_("请填写受托人姓名。"), field="proxy_name")
        check_upload(proxy_document, field="proxy_document", allow_pdf=True)


def _check_answers(
    consultation: Consultation, answers: dict[int, list[int]]
) -> list[tuple[Question, Choice]]:
    questions = {q.pk: q for q in consultation.questions.prefetch_related("choices")}
    if not isinstance(answers, dict):
        raise DomainError(_("表决意见格式无效。"), field="answers")
    picked: list[tuple[Question, Choice]] = []
    for qid, q in questions.items():
        chosen = answers.get(qid, answers.get(str(qid)))  # forms and JSON give string keys
        if not chosen:
            raise DomainError(_("请回答第%(n)s题。") % {"n": q.position}, field="answers")
        try:
            chosen_ids = [int(c) for c in chosen]
        except (TypeError, ValueError):
            raise DomainError(_("第%(n)s题的选项无效。") % {"n": q.position}, field="answers") from None
        if len(set(chosen_ids)) != len(chosen_ids):
            raise DomainError(_("第%(n)s题的选项重复。") % {"n": q.position}, field="answers")
        if q.exclusive and len(chosen_ids) != 1:
            raise DomainError(_("第%(n)s题只能选一项。") % {"n": q.position}, field="answers")
        choices = {c.pk: c for c in q.choices.all()}
        for cid in chosen_ids:
            if cid not in choices:
                raise DomainError(_("第%(n)s题的选项无效。") % {"n": q.position}, field="answers")
            picked.append((q, choices[cid]))
    unknown = {int(k) if str(k).isdigit() else k for k in answers} - set(questions)
    if unknown:
        raise DomainError(_("表决意见中有不属于本次征询的问题。"), field="answers")
    return picked


def ballot_cast(
    *,
    actor,
    consultation: Consultation,
    voter: Voter,
    answers: dict[int, list[int]],
    method: str,
    photo=None,
    proxy_name: str = "",
    proxy_document=None,
) -> Ballot:
    """Cast `voter`'s one ballot. Refused (DomainError, nothing saved) unless the consultation is open and
    within its period, the voter is in its electorate, the actor may cast by `method` for this voter, and
    the answers fit the questions. A refusal on a closed consultation, or a second ballot, is logged."""
    try:
        with transaction.atomic():
            return _cast(actor, consultation, voter, answers, method, photo, proxy_name, proxy_document)
    except _Refused as refused:
        if refused.log:
            VoteAttemptLog.objects.create(
                community_id=consultation.community_id,
                consultation_id=consultation.pk,
                voter_id=voter.pk if voter is not None and voter.pk else None,
                user=actor if getattr(actor, "is_authenticated", False) else None,
                reason=refused.message[:200],
                method=(method or "")[:10],
            )
        raise DomainError(refused.message, field=refused.field) from None


def _cast(actor, consultation, voter, answers, method, photo, proxy_name, proxy_document) -> Ballot:
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if locked.status == ConsultationStatus.CLOSED:
        raise _Refused(_("表决已经结束，表决票不能再提交或修改。"), log=True)
    if locked.status != ConsultationStatus.OPEN:
        raise _Refused(_("表决尚未开始。"), log=False)
    if timezone.now() > locked.closes_at:
        raise _Refused(_("已过表决截止时间，不能再投票。"), log=True)
    if voter is None or voter.consultation_id != locked.pk:
        raise _Refused(_("此人不在本次表决的投票人名单中。"), log=True, field="voter")
    _check_method(actor, voter, method, photo, proxy_name, proxy_document)
    picked = _check_answers(locked, answers)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                community_id=locked.community_id,
                consultation=locked,
                voter=voter,
                method=method,
                recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                photo=photo if method in (BallotMethod.PAPER, BallotMethod.DOORSTEP) else "",
                proxy_name=(proxy_name or "").strip() if method == BallotMethod.PROXY else "",
                proxy_document=proxy_document if method == BallotMethod.PROXY else "",
            )
    except IntegrityError:
        raise _Refused(_("该投票人已经投过票，每人只能投一票，已投的票不能更改。"), log=True) from None
    Answer.objects.bulk_create(
        Answer(community_id=locked.community_id, ballot=ballot, question=q, choice=c, exclusive=q.exclusive)
        for q, c in picked
    )
    return ballot


def ballot_change_refused(*, actor, ballot: Ballot) -> None:
    """Any attempt to change a cast ballot (there is no way to): logged and refused. Kept as a function so
    the pages and API answering such a request record it the same way."""
    closed = Consultation.objects.filter(pk=ballot.consultation_id, status=ConsultationStatus.CLOSED).exists()
    message = (
        _("表决已经结束，表决票不能再提交或修改。") if closed else _("已投的票不能更改，每人只能投一票。")
    )
    VoteAttemptLog.objects.create(
        community_id=ballot.community_id,
        consultation_id=ballot.consultation_id,
        voter_id=ballot.voter_id,
        user=actor if getattr(actor, "is_authenticated", False) else None,
        reason=message[:200],
    )
    raise DomainError(message)


# ── Another app's owners' vote, run by its own people ────────────────────────────────────────────


def owners_vote_start(
    *,
    actor,
    community,
    title: str,
    question: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    threshold: str,
    entrance=None,
    buildings=(),
    description: str = "",
    leader_building=None,
) -> Consultation:
    """Create and open, in one step, an owners' vote weighted by area over one entrance (or some
    buildings), with one approve question (同意 counts in favour, 不同意, 弃权).

    Why a function of its own: a lift is decided by the owners of one entrance and, in Shanghai's
    procedure, carried by the building's own people — the building leader "runs the vote" there. So
    besides the community's staff, the leader of `leader_building` may start it, but only for a place
    inside that building; `consultation_create`/`consultation_open` stay staff-only for everything else.
    Closing, and entering paper and proxy ballots, stay with staff (the engine's own pages)."""
    from linli.core.scope import scope_for

    scope = scope_for(actor)
    leader_ok = (
        leader_building is not None
        and leader_building.community_id == community.pk
        and leader_building.pk in scope.buildings
        and (entrance is None or entrance.building_id == leader_building.pk)
        and all(b.pk == leader_building.pk for b in buildings)
    )
    if not (scope.is_staff_of(community.pk) or leader_ok):
        raise DomainError(_("您没有权限发起这次业主表决。"))
    title = (title or "").strip()
    question = (question or "").strip()
    buildings = list(buildings)
    if not title:
        raise DomainError(_("请填写标题。"), field="title")
    if not question:
        raise DomainError(_("问题内容不能为空。"), field="questions")
    if threshold not in RULES:
        raise DomainError(_("请选择通过规则。"), field="threshold")
    if entrance is None and not buildings:
        raise DomainError(_("业主表决须指定单元或楼栋。"), field="buildings")
    if (entrance is not None and entrance.community_id != community.pk) or any(
        b.community_id != community.pk for b in buildings
    ):
        raise DomainError(_("所选楼栋不属于本居民区。"), field="buildings")
    if opens_at is None or closes_at is None:
        raise DomainError(_("请填写开始和截止时间。"), field="closes_at")
    if closes_at <= opens_at:
        raise DomainError(_("截止时间必须晚于开始时间。"), field="closes_at")
    now = timezone.now()
    if now >= closes_at:
        raise DomainError(_("截止时间已过，不能开始。请先修改截止时间。"), field="closes_at")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            community=community,
            title=title,
            description=description,
            electorate=Electorate.OWNERS,
            entrance=entrance,
            weighting=Weighting.AREA,
            threshold=threshold,
            opens_at=opens_at,
            closes_at=closes_at,
            created_by=actor,
        )
        if buildings:
            consultation.buildings.set(buildings)
        q = Question.objects.create(
            community=community,
            consultation=consultation,
            position=1,
            text=question,
            kind=QuestionKind.APPROVE,
        )
        texts = [(_("同意"), True), (_("不同意"), False), (_("弃权"), False)]
        Choice.objects.bulk_create(
            Choice(community=community, question=q, position=i, text=t, in_favour=f)
            for i, (t, f) in enumerate(texts, start=1)
        )
        voters = electorate_rows(consultation, today=timezone.localdate())
        if not voters:
            raise DomainError(_("没有登记的产权人，不能开始业主表决。请先在台账中登记产权人。"))
        Voter.objects.bulk_create(voters)
        consultation.status = ConsultationStatus.OPEN
        consultation.opened_at = now
        consultation._change_reason = "open"
        consultation.save(update_fields=["status", "opened_at"])
    return consultation
