"""Reads of conventions (公约): lists through the scope, the diff of two drafts, coverage of signatures
per building (one query, however many households), and what a resident still has to sign."""

import difflib
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from linli.core.scope import scope_for
from linli.deliberation.models import Convention, ConventionSignature, ConventionStatus, ConventionVersion
from linli.registry.models import Building, Household

# A sentence ends with Chinese (or Latin) end punctuation, optionally followed by a closing quote, or at
# a line break: Chinese has no spaces, so words are no unit to compare by, sentences are.
_SENTENCE = re.compile(r"[^。！？；!?;\n]*(?:[。！？；!?;][”’」』）)]*|\n)|[^。！？；!?;\n]+")


def split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE.findall(text) if part]


def _piece(tag: str, text: str) -> str:
    if not text:
        return ""
    body = escape(text).replace("\n", "↵<br>")
    if tag == "ins":
        return f'<ins class="diff-ins">{body}</ins>'
    if tag == "del":
        return f'<del class="diff-del">{body}</del>'
    return body.replace("↵", "")


def diff_html(old: str, new: str) -> SafeString:
    """The change from `old` to `new` as HTML: unchanged text plain, removed text in <del>, added in <ins>.
    Compared sentence by sentence; a changed sentence is compared again character by character, so a
    one-character change in a long sentence shows as one character."""
    a, b = split_sentences(old), split_sentences(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(_piece("", left))
        elif op == "delete":
            out.append(_piece("del", left))
        elif op == "insert":
            out.append(_piece("ins", right))
        else:
            inner = difflib.SequenceMatcher(None, left, right, autojunk=False)
            if inner.ratio() < 0.4:  # mostly rewritten: show the old sentence, then the new one
                out.append(_piece("del", left) + _piece("ins", right))
                continue
            for op2, k1, k2, m1, m2 in inner.get_opcodes():
                if op2 == "equal":
                    out.append(_piece("", left[k1:k2]))
                else:
                    out.append(_piece("del", left[k1:k2]) + _piece("ins", right[m1:m2]))
    return mark_safe("".join(out).replace("↵", ""))  # noqa: S308 — every piece was escaped above


def conventions_for(user, community_id: int) -> QuerySet[Convention]:
    """The conventions a staff member or building leader sees in a community."""
    scope = scope_for(user)
    return (
        scope.within(Convention.objects.all(), community_id)
        .distinct()
        .prefetch_related("buildings")
        .select_related("adopted_version")
    )


def _household_ids(user) -> set[int]:
    return set(scope_for(user).households)


def _covering(households: list[Household]) -> Q:
    """Conventions / notices covering any of these households: their community as a whole, or their
    building."""
    condition = Q(pk__in=[])
    for h in households:
        condition |= Q(community_id=h.community_id) & (
            Q(buildings__isnull=True) | Q(buildings=h.flat.building_id)
        )
    return condition


def conventions_for_resident(user) -> list[Convention]:
    households = list(
        Household.objects.filter(pk__in=_household_ids(user), is_active=True).select_related("flat")
    )
    if not households:
        return []
    return list(Convention.objects.filter(_covering(households)).distinct().order_by("-created_at", "-pk"))


def convention_get(user, convention_id: int) -> Convention:
    """One convention the user may see (staff / leaders through the scope, residents by coverage);
    404 otherwise, so a convention elsewhere looks like none at all."""
    scope = scope_for(user)
    row = scope.filter(Convention.objects.filter(pk=convention_id)).distinct().first()
    if row is None:
        row = next((c for c in conventions_for_resident(user) if c.pk == convention_id), None)
    if row is None:
        raise Http404
    return row


def versions_of(convention: Convention) -> list[ConventionVersion]:
    return list(convention.versions.order_by("number"))


def version_get(convention: Convention, version_id: int) -> ConventionVersion:
    row = convention.versions.filter(pk=version_id).first()
    if row is None:
        raise Http404
    return row


def conventions_to_sign_for_user(user) -> list[Convention]:
    """Adopted conventions that cover one of the user's households and that household has not signed.
    Each carries `household_to_sign`, the household the signature would be for."""
    households = list(
        Household.objects.filter(pk__in=_household_ids(user), is_active=True).select_related("flat")
    )
    if not households:
        return []
    rows = (
        Convention.objects.filter(_covering(households), status=ConventionStatus.ADOPTED)
        .distinct()
        .prefetch_related(
            "buildings",
            Prefetch("signatures", queryset=ConventionSignature.objects.filter(household__in=households)),
        )
        .select_related("adopted_version")
        .order_by("-adopted_on", "-pk")
    )
    result = []
    for convention in rows:
        signed = {s.household_id for s in convention.signatures.all()}
        buildings = {b.pk for b in convention.buildings.all()}
        convention._building_ids = buildings
        for h in households:
            if h.community_id == convention.community_id and (
                not buildings or h.flat.building_id in buildings
            ):
                if h.pk not in signed:
                    convention.household_to_sign = h
                    result.append(convention)
                break
    return result


@dataclass
class BuildingCoverage:
    building: Building
    households: list = field(default_factory=list)  # Household rows with `.signature` (None if unsigned)

    @property
    def total(self) -> int:
        return len(self.households)

    @property
    def signed(self) -> int:
        return sum(1 for h in self.households if h.signed)

    @property
    def unsigned(self) -> list:
        return [h for h in self.households if not h.signed]

    @property
    def percent(self) -> int:
        return round(100 * self.signed / self.total) if self.total else 0


def signature_coverage(user, convention: Convention) -> list[BuildingCoverage]:
    """Per building covered (those the user sees), its active households and whether each has signed.
    One query for the households (flat and building joined, signature as an EXISTS) plus one for the
    convention's buildings: the count does not grow with the number of buildings or households."""
    scope = scope_for(user)
    households = scope.within(Household.objects.filter(is_active=True), convention.community_id)
    buildings = {b.pk for b in convention.buildings.all()}
    if buildings:
        households = households.filter(flat__building_id__in=buildings)
    signed = ConventionSignature.objects.filter(convention=convention, household=OuterRef("pk"))
    rows = (
        households.select_related("flat__building")
        .annotate(signed=Exists(signed))
        .order_by("flat__building__sort_key", "flat__building__number", "flat__floor", "flat__number", "pk")
    )
    by_building: dict[int, BuildingCoverage] = {}
    for h in rows:
        entry = by_building.setdefault(h.flat.building_id, BuildingCoverage(h.flat.building))
        entry.households.append(h)
    return list(by_building.values())


def signatures_of(user, convention: Convention) -> QuerySet[ConventionSignature]:
    return (
        scope_for(user)
        .within(ConventionSignature.objects.filter(convention=convention), convention.community_id)
        .select_related("household__flat__building", "resident", "recorded_by")
    )


def suggestions_of(user, convention: Convention) -> QuerySet:
    """All suggestions for those who may change the convention; a resident's own household's otherwise."""
    rows = convention.suggestions.select_related("household__flat__building", "author")
    if user.has_perm("deliberation.change_convention", convention) or scope_for(user).is_staff_of(
        convention.community_id
    ):
        return rows
    return rows.filter(Q(author=user) | Q(household_id__in=scope_for(user).households))


def convention_for_staff(user, convention_id: int) -> Convention:
    """One convention for the staff pages: its community's staff and its buildings' leaders (residents
    use the portal); 404 otherwise."""
    row = (
        scope_for(user)
        .filter(Convention.objects.filter(pk=convention_id))
        .distinct()
        .select_related("community", "adopted_version")
        .first()
    )
    if row is None:
        raise Http404
    return row


def suggestion_for_staff(user, suggestion_id: int):
    from linli.deliberation.models import ConventionSuggestion

    row = (
        scope_for(user)
        .filter(ConventionSuggestion.objects.filter(pk=suggestion_id))
        .distinct()
        .select_related("convention")
        .first()
    )
    if row is None:
        raise Http404
    return row


def building_options(user, community_id: int) -> list[Building]:
    """Buildings a convention or notice may be written for: all for staff, their own for a leader."""
    return list(scope_for(user).within(Building.objects.all(), community_id).order_by("sort_key", "number"))


def closed_consultations(user, community_id: int) -> list:
    """Closed votes of the community a convention's adoption may rest on (the staff's choice list)."""
    from linli.deliberation.models import Consultation

    return list(
        scope_for(user)
        .within(Consultation.objects.filter(status="closed"), community_id)
        .order_by("-closes_at")
    )
