"""Who and where a ledger's rows are: the community's flats found by the addresses ledgers write, its
registered residents to match rows against, ID numbers registered elsewhere, and the fingerprint that
tells the import whether a resident changed after the preview. Each is read once per file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.core.models import Community
from linli.registry.ledger.words import building_key, entrance_key, flat_key, fold
from linli.registry.models import Flat, Household, Resident, building_label, flat_label

CHUNK = 5000  # hashes per query


@dataclass
class Place:
    flat_id: int
    estate: str
    building: str  # key
    entrance: int
    number: str  # key
    label: str


class Places:
    """The community's flats, found by building, entrance and number as a ledger writes them."""

    def __init__(self, community: Community):
        self.by_address: dict[tuple[str, int, str], list[Place]] = {}
        self.by_number: dict[tuple[str, str], list[Place]] = {}
        self.buildings: dict[str, set[int]] = {}  # building key → its entrance numbers
        self.labels: dict[int, str] = {}  # flat id → 1号1单元101室
        self.found: dict[tuple[str, str, str, str], tuple[Place | None, str, str]] = {}
        rows = Flat.objects.filter(community=community).values_list(
            "id", "number", "entrance__number", "building__number", "building__estate__name"
        )
        for pk, number, entrance, building, estate in rows:
            place = Place(
                pk,
                estate,
                building_key(building),
                entrance,
                flat_key(number),
                building_label(building) + flat_label(entrance, number),
            )
            self.by_address.setdefault((place.building, entrance, place.number), []).append(place)
            self.by_number.setdefault((place.building, place.number), []).append(place)
            self.buildings.setdefault(place.building, set()).add(entrance)
            self.labels[pk] = place.label

    def find(
        self, *, estate: str, building: str, entrance: str, number: str
    ) -> tuple[Place | None, str, str]:
        """(place, column key at fault, message): the flat, or why it cannot be found. A ledger names
        each flat for every person in it: the answer is kept per address."""
        address = (estate, building, entrance, number)
        if address not in self.found:
            self.found[address] = self._find(
                estate=estate, building=building, entrance=entrance, number=number
            )
        return self.found[address]

    def _find(
        self, *, estate: str, building: str, entrance: str, number: str
    ) -> tuple[Place | None, str, str]:
        """(place, column key at fault, message): the flat, or why it cannot be found."""
        b = building_key(building)
        if b not in self.buildings:
            return None, "building", _("本居民区没有“%(building)s”这栋楼。") % {"building": building}
        n = flat_key(number)
        if entrance:
            e = entrance_key(entrance)
            if e is None:
                return (
                    None,
                    "entrance",
                    _("单元“%(entrance)s”应是数字，例如 1 或 1单元。") % {"entrance": entrance},
                )
            if e not in self.buildings[b]:
                return (
                    None,
                    "entrance",
                    _("“%(building)s”号楼没有%(entrance)s单元。") % {"building": building, "entrance": e},
                )
            found = self.by_address.get((b, e, n), [])
        else:
            found = self.by_number.get((b, n), [])
        if estate:
            found = [p for p in found if fold(p.estate) == fold(estate)]
        if not found:
            where = _("%(building)s号楼") % {"building": building}
            if entrance:
                where += _("%(entrance)s单元") % {"entrance": entrance_key(entrance)}
            return None, "flat", _("%(where)s没有“%(number)s”室。") % {"where": where, "number": number}
        if len(found) > 1:
            if not entrance and len({p.entrance for p in found}) > 1:
                return (
                    None,
                    "entrance",
                    _("这栋楼有几个单元都有“%(number)s”室，请填写单元。") % {"number": number},
                )
            return None, "estate", _("本居民区有几个小区都有这个房号，请加一列“小区”并填写。")
        return found[0], "", ""


class Registered:
    """The community's current residents, to match rows against; with the tags each has."""

    def __init__(self, community: Community, *, lock: bool):
        residents: QuerySet = Resident.objects.filter(community=community, moved_out__isnull=True)
        if lock:  # the import: nobody changes them between this read and the write
            residents = residents.select_for_update()
        self.residents = list(residents.select_related("household"))
        self.tags: dict[int, set[int]] = {}
        if self.residents:
            through = Resident.tags.through.objects.filter(
                resident__community=community, resident__moved_out__isnull=True
            )
            for resident_id, tag_id in through.values_list("resident_id", "tag_id"):
                self.tags.setdefault(resident_id, set()).add(tag_id)
        self.by_hash = {r.id_number_hash: r for r in self.residents if r.id_number_hash}
        self.by_name: dict[tuple[int, str], list[Resident]] = {}
        for r in self.residents:
            self.by_name.setdefault((r.household.flat_id, r.name), []).append(r)


def registered_elsewhere(hashes: list[str], community: Community) -> set[str]:
    """Which of these ID hashes belong to a current resident of another community."""
    found: set[str] = set()
    for start in range(0, len(hashes), CHUNK):
        found.update(
            Resident.objects.filter(id_number_hash__in=hashes[start : start + CHUNK], moved_out__isnull=True)
            .exclude(community=community)
            .values_list("id_number_hash", flat=True)
        )
    return found


FINGERPRINTED = (
    "name",
    "gender",
    "birth_date",
    "id_type",
    "id_number_hash",
    "phone_hash",
    "registration_type",
    "relation",
    "moved_in",
    "moved_out",
    "party_joined",
    "party_full_member",
    "party_branch_id",
    "notes",
    "household_id",
)


def resident_fingerprint(resident: Resident, tag_ids) -> str:
    """A digest of what a ledger row is compared with: the import refuses a row whose resident has been
    changed by someone else since the preview (the clerk confirmed the changes they saw, not others)."""
    parts = [str(getattr(resident, name)) for name in FINGERPRINTED]
    parts.append(",".join(str(t) for t in sorted(tag_ids)))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def active_households(community: Community) -> dict[int, int]:
    """Flat → its first active household (the one a new resident joins, as in resident_create)."""
    found: dict[int, int] = {}
    for flat_id, household_id in (
        Household.objects.filter(community=community, is_active=True)
        .order_by("pk")
        .values_list("flat_id", "id")
    ):
        found.setdefault(flat_id, household_id)
    return found
