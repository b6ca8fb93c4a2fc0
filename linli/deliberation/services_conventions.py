"""Writes of conventions (公约): drafting in versions, suggestions, adoption and signatures.

Each function checks the actor's permission (linli.deliberation.rules_conventions), refuses bad input
with one DomainError (Chinese message) and writes in one transaction; simple-history keeps who changed
what. The database has the last word where two people can race: one signature per household.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.core.models import Community
from linli.core.scope import scope_for
from linli.deliberation.models import (
    Convention,
    ConventionSignature,
    ConventionStatus,
    ConventionSuggestion,
    ConventionVersion,
    SignatureMethod,
    SuggestionKind,
)
from linli.deliberation.rules_conventions import covers_household
from linli.registry.models import Building, Household, Resident

TEXT_MAX = 20000
SUGGESTION_MAX = 2000


def _require(actor, perm: str, obj) -> None:
    if not actor.has_perm(perm, obj):
        raise DomainError(_("您的角色不能进行此操作。"))


def _saved(row, actor, **kwargs):
    row._history_user = actor
    row.save(**kwargs)
    return row


def _clean_text(text: str, *, field: str, limit: int, empty: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(empty, field=field)
    if len(text) > limit:
        raise DomainError(_("内容过长：最多 %(limit)d 字。") % {"limit": limit}, field=field)
    return text


def _buildings(community: Community, buildings: Iterable[Building | int]) -> list[Building]:
    ids = {b.pk if isinstance(b, Building) else int(b) for b in buildings}
    found = list(Building.objects.filter(community=community, pk__in=ids))
    if len(found) != len(ids):
        raise DomainError(_("所选楼栋不属于本居民区。"), field="buildings")
    return found


def convention_create(
    *, actor, community: Community, title: str, text: str, buildings: Iterable = (), note: str = ""
) -> Convention:
    """A new convention with its first draft (第1稿). Building leaders may only write for buildings they
    lead; a convention for the whole community is the committee's."""
    _require(actor, "deliberation.add_convention", community)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写公约标题。"), field="title")
    if len(title) > 100:
        raise DomainError(_("标题最多 100 字。"), field="title")
    text = _clean_text(text, field="text", limit=TEXT_MAX, empty=_("请填写公约正文。"))
    chosen = _buildings(community, buildings)
    scope = scope_for(actor)
    if not scope.is_staff_of(community.pk) and (not chosen or not {b.pk for b in chosen} <= scope.buildings):
        raise DomainError(_("楼组长只能为自己负责的楼栋起草公约。"), field="buildings")
    with transaction.atomic():
        convention = _saved(Convention(community=community, title=title, created_by=actor), actor)
        convention.buildings.set(chosen)
        _saved(
            ConventionVersion(
                community=community,
                convention=convention,
                number=1,
                text=text,
                note=note[:200],
                created_by=actor,
            ),
            actor,
        )
    return convention


def version_add(*, actor, convention: Convention, text: str, note: str = "") -> ConventionVersion:
    """The next draft. Adopted conventions keep their text: a change starts a new convention."""
    _require(actor, "deliberation.change_convention", convention)
    text = _clean_text(text, field="text", limit=TEXT_MAX, empty=_("请填写公约正文。"))
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if locked.status != ConventionStatus.DRAFTING:
            raise DomainError(_("公约已通过，不能再修改正文。"))
        last = locked.versions.order_by("-number").first()
        if last is not None and last.text == text:
            raise DomainError(_("正文与上一稿相同，未保存新版本。"), field="text")
        return _saved(
            ConventionVersion(
                community_id=locked.community_id,
                convention=locked,
                number=(last.number if last else 0) + 1,
                text=text,
                note=(note or "").strip()[:200],
                created_by=actor,
            ),
            actor,
        )


def suggestion_file(
    *, actor, convention: Convention, text: str, kind: str = SuggestionKind.SUGGESTION
) -> ConventionSuggestion:
    """献言献策 on a draft (suggestions close once the convention is adopted; comments stay open)."""
    _require(actor, "deliberation.suggest_convention", convention)
    if kind not in SuggestionKind.values:
        raise DomainError(_("类型无效。"), field="kind")
    text = _clean_text(text, field="text", limit=SUGGESTION_MAX, empty=_("请填写您的建议。"))
    if kind == SuggestionKind.SUGGESTION and convention.status != ConventionStatus.DRAFTING:
        raise DomainError(_("公约已通过，不再征集修改建议。"))
    household = None
    ids = scope_for(actor).households
    if ids:
        household = next(
            (
                h
                for h in Household.objects.filter(pk__in=ids).select_related("flat")
                if covers_household(convention, h)
            ),
            None,
        )
    latest = convention.versions.order_by("-number").first()
    return _saved(
        ConventionSuggestion(
            community_id=convention.community_id,
            convention=convention,
            version=latest,
            kind=kind,
            author=actor,
            household=household,
            text=text,
        ),
        actor,
    )


def suggestion_answer(*, actor, suggestion: ConventionSuggestion, answer: str) -> ConventionSuggestion:
    _require(actor, "deliberation.change_convention", suggestion.convention)
    suggestion.answer = _clean_text(answer, field="answer", limit=SUGGESTION_MAX, empty=_("请填写答复。"))
    return _saved(suggestion, actor, update_fields=["answer"])


def convention_adopt(
    *,
    actor,
    convention: Convention,
    version: ConventionVersion,
    adopted_on: dt.date,
    resolution: str,
    consultation=None,
) -> Convention:
    """Fix the adopted version. The decision itself is taken by the residents (a meeting or a vote); staff
    record it here with its date and the resolution it rests on, and the vote (a closed
    deliberation.Consultation of the same community) when there was one."""
    _require(actor, "deliberation.adopt_convention", convention)
    if version.convention_id != convention.pk:
        raise DomainError(_("所选版本不属于这份公约。"), field="version")
    if consultation is not None and (
        consultation.community_id != convention.community_id or consultation.status != "closed"
    ):
        raise DomainError(_("只能引用本居民区已结束的表决。"), field="consultation")
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("请填写决议依据，例如哪次居民会议或表决通过。"), field="resolution")
    if adopted_on is None or adopted_on > timezone.localdate():
        raise DomainError(_("通过日期不能晚于今天。"), field="adopted_on")
    with transaction.atomic():
        locked = Convention.objects.select_for_update().get(pk=convention.pk)
        if locked.status == ConventionStatus.ADOPTED:
            raise DomainError(_("公约已经通过。"))
        locked.status = ConventionStatus.ADOPTED
        locked.adopted_version = version
        locked.adopted_on = adopted_on
        locked.resolution = resolution[:200]
        locked.adopted_by = actor
        locked.consultation = consultation
        _saved(
            locked,
            actor,
            update_fields=[
                "status",
                "adopted_version",
                "adopted_on",
                "resolution",
                "adopted_by",
                "consultation",
            ],
        )
    convention.refresh_from_db()
    return convention


def convention_sign(
    *, actor, convention: Convention, household: Household, method: str
) -> ConventionSignature:
    """A household signs the adopted convention: online by one of its residents, or recorded by staff
    (or the building's leader) from a paper sheet. One signature per household."""
    if method == SignatureMethod.ONLINE:
        if household.pk not in scope_for(actor).households:
            raise DomainError(_("只能为自己家签署。"))
    elif method == SignatureMethod.STAFF:
        _require(actor, "deliberation.record_signature", convention)
    else:
        raise DomainError(_("签署方式无效。"), field="method")
    if convention.status != ConventionStatus.ADOPTED:
        raise DomainError(_("公约尚未通过，暂不能签署。"))
    if not household.is_active:
        raise DomainError(_("该户已不在住。"))
    if not covers_household(convention, household):
        raise DomainError(_("这份公约不适用于该户。"))
    resident = None
    if method == SignatureMethod.ONLINE:
        resident = Resident.objects.filter(household=household, user=actor, moved_out__isnull=True).first()
    try:
        with transaction.atomic():
            return _saved(
                ConventionSignature(
                    community_id=convention.community_id,
                    convention=convention,
                    version_id=convention.adopted_version_id,
                    household=household,
                    resident=resident,
                    method=method,
                    recorded_by=actor,
                ),
                actor,
            )
    except IntegrityError:
        raise DomainError(_("该户已经签署过这份公约。")) from None
