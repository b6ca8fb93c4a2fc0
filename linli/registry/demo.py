"""Synthetic demo communities: 宛南六村, 宝虹家园, and benchmark districts of wannan-like communities.

Nothing here is real personal data. Names are drawn from Faker's zh_CN tables with a seeded random
generator (the same seed builds the same people); ID numbers are well-formed but fictitious (a real
area code valid for the birth year, the birth date, a sequence number with the sex parity, and the
GB 11643 check digit from stdnum); mobile numbers sit in "…000xxxxx" blocks of real mobile prefixes.

Speed matters at district scale (300 communities, about a million residents), so the generator plans
a community in plain Python and writes it level by level with `bulk_create`: no model `save()`, no
signals, hence no simple-history rows — this is seed data, not a change anyone made. ID numbers and
phones are handed to the models in clear: `EncryptedCharField.get_prep_value` encrypts them on the way
into the database, bulk inserts included; only the keyed hashes are computed here.

Entry point: `build(...)`. The `linli demo` command and `bench/` call it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import multiprocessing
import os
import random
import time
import traceback
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from queue import Empty

from django.contrib.auth.hashers import make_password
from django.db import connection, connections, transaction
from faker.providers.person.en_US import Provider as EnglishNames
from faker.providers.person.zh_CN import Provider as ChineseNames
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from linli.core.crypto import keyed_hash
from linli.core.models import Community, Membership, Role, Street, User
from linli.deliberation import demo_conventions, demo_meetings, demo_votes
from linli.elevators import demo as demo_lifts
from linli.organizing import demo_party, demo_volunteers
from linli.organizing.models import BuildingGroup, Group, GroupMember, LiftTrioMember
from linli.portal import demo as demo_portal
from linli.registry.models import (
    Building,
    Entrance,
    Estate,
    Flat,
    Gender,
    Household,
    IdType,
    MoveOutReason,
    Owner,
    Ownership,
    PartyBranch,
    RegistrationType,
    Relation,
    Resident,
    Tag,
    Tenure,
    age_on,
)
from linli.registry.pinyin import name_keys

DEMO_PASSWORD = "linli-demo-2026"  # noqa: S105 - the published password of the demo accounts
DEFAULT_SEED = 2026
BATCH_SIZE = 2000
BENCH_RESIDENTS = 3300  # residents of one benchmark community (±10%)
BENCH_PER_STREET = 10
ID_CLASSES = 20  # see _id_number

STANDARD_TAGS = ("独居", "孤老", "高龄", "行动不便", "残疾", "困难家庭", "退役军人", "低保", "重点关注")
BRANCH_NAMES = tuple(f"第{n}党支部" for n in "一二三四五六")
# 六邻汇: six groups, each guided by one of the six branches (in this order).
GROUPS = (
    ("初心组", "党员志愿服务"),
    ("暖心组", "困难家庭关爱与结对帮扶"),
    ("乐心组", "文化艺术活动"),
    ("童心组", "少年儿童与校社共建"),
    ("安心组", "矛盾调解与法律咨询"),
    ("齐心组", "加装电梯"),
)

LOCAL, MIGRANT, OVERSEAS = RegistrationType.LOCAL, RegistrationType.MIGRANT, RegistrationType.OVERSEAS
MALE, FEMALE = Gender.MALE, Gender.FEMALE

# Area codes (GB/T 2260). stdnum checks that a code existed in the birth year, so each pool holds codes
# for several periods and the first valid one is used (宝山: 宝山县 until 1982/1988, then 宝山区).
SHANGHAI_URBAN = ("310101", "310105", "310106", "310107", "310109", "310110", "310112", "310115")
ELSEWHERE = (
    "340121", "340421", "340621", "341221", "340321", "320321", "320102", "320882", "410102",
    "411302", "412723", "510121", "510321", "513030", "510104", "360121", "360102", "330122",
    "330102", "420102", "422822", "430121", "430321", "370102", "350121", "350102", "230722",
    "210321",
)  # fmt: skip
# Codes valid for every birth year, the fallback when a pool has none for a year.
TIMELESS = ("310104", "310101", "340121", "510121", "430121", "330122")
MOBILE_PREFIXES = tuple(
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in "01235789"]
    + [f"18{d}" for d in range(10)]
    + ["177", "199"]
)

_SURNAMES = list(ChineseNames.last_names.keys())
_SURNAME_WEIGHTS = list(itertools.accumulate(ChineseNames.last_names.values()))
_GIVEN = {MALE: list(ChineseNames.first_names_male), FEMALE: list(ChineseNames.first_names_female)}
_LATIN_LAST = list(EnglishNames.last_names.keys())
_LATIN_FIRST = {
    MALE: list(EnglishNames.first_names_male.keys()),
    FEMALE: list(EnglishNames.first_names_female.keys()),
}

name_keys_cached = functools.cache(name_keys)  # Faker's tables repeat names; pinyin is the costly part


@dataclass(frozen=True)
class Shape:
    """What a generated community looks like. Shares are of households unless said otherwise."""

    name: str
    street: str
    district: str
    estate: str
    home_codes: tuple[str, ...]  # the district's area codes, newest first
    residents: int  # current residents, exactly
    buildings: int | None  # None: as many as the households need
    floors: tuple[int, ...]
    entrances: tuple[int, ...]
    flats_per_floor: tuple[int, ...]  # per entrance
    built: tuple[int, int]
    area: tuple[int, int]  # m²: smallest flat of the oldest building, largest of the newest
    local_kinds: dict[str, float]
    registration: dict[str, float]
    tenure: dict[str, dict[str, float]]  # by the head's registration type
    households: int | None = None  # exact, when the preset publishes it
    migrants: int | None = None  # exact number of 来沪人员 residents, when published
    max_size: int = 4
    vacancy: float = 0.04
    lifts_from_floor: int = 8


WANNAN = Shape(
    name="宛南六村",
    street="枫林路街道",
    district="徐汇区",
    estate="宛南六村",
    home_codes=("310104",),
    residents=3700,
    buildings=43,
    floors=(5, 6),
    entrances=(2, 3),
    flats_per_floor=(2, 3),
    built=(1980, 1991),
    area=(35, 75),
    local_kinds={
        "elder_single": 0.20,
        "elder_couple": 0.26,
        "elder_couple_child": 0.09,
        "elder_with_child": 0.07,
        "three_generations": 0.10,
        "family": 0.13,
        "midlife": 0.09,
        "young": 0.06,
    },
    registration={LOCAL: 0.865, MIGRANT: 0.123, OVERSEAS: 0.012},
    tenure={
        LOCAL: {Tenure.OWNER: 0.80, Tenure.PUBLIC: 0.13, Tenure.TENANT: 0.07},
        MIGRANT: {Tenure.TENANT: 0.88, Tenure.OWNER: 0.12},
        OVERSEAS: {Tenure.TENANT: 0.8, Tenure.OWNER: 0.2},
    },
)

BAOHONG = Shape(
    name="宝虹家园",
    street="罗泾镇",
    district="宝山区",
    estate="宝虹家园",
    home_codes=("310113", "310223", "310203"),
    residents=7966,
    households=3034,
    migrants=4457,
    buildings=None,
    floors=(6, 11, 14, 18),
    entrances=(2,),
    flats_per_floor=(2, 2, 3),
    built=(2006, 2013),
    area=(50, 95),
    local_kinds={
        "elder_single": 0.10,
        "elder_couple": 0.17,
        "elder_couple_child": 0.10,
        "elder_with_child": 0.05,
        "three_generations": 0.20,
        "family": 0.23,
        "midlife": 0.10,
        "young": 0.05,
    },
    registration={LOCAL: 0.43, MIGRANT: 0.565, OVERSEAS: 0.005},
    tenure={
        LOCAL: {Tenure.OWNER: 0.93, Tenure.TENANT: 0.04, Tenure.PUBLIC: 0.03},
        MIGRANT: {Tenure.TENANT: 0.92, Tenure.OWNER: 0.08},
        OVERSEAS: {Tenure.TENANT: 1.0},
    },
    max_size=5,
)

PRESETS = {"wannan": WANNAN, "baohong": BAOHONG}

MIGRANT_KINDS = {"young": 0.40, "family": 0.33, "shared": 0.15, "with_parent": 0.12}
OVERSEAS_KINDS = {"young": 0.6, "family": 0.4}

BENCH_STREETS = (
    "田林", "康健", "长桥", "龙华", "虹梅", "凌云", "漕河泾", "华泾", "湖南", "天平", "斜土", "徐家汇",
    "江宁", "曹家渡", "石门", "彭浦", "临汾", "大宁", "芷江", "共和", "天目", "北站", "曲阳", "广中",
    "嘉兴", "凉城", "江湾", "殷行", "长白", "延吉", "控江", "平凉", "定海", "大桥", "五里", "真如",
)  # fmt: skip
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    role_en: str
    sees: str
    sees_en: str


def demo_logins(community_name: str = "宛南六村", street_name: str = "枫林路街道") -> list[Login]:
    """The demo accounts, one per role, as the command prints them (all share DEMO_PASSWORD)."""
    c = community_name
    return [
        Login("shuji", "书记（居委干部）", "party secretary (staff)", f"{c}的全部数据", f"everything in {c}"),
        Login("ganbu", "居委干部", "committee staff", f"{c}的全部数据", f"everything in {c}"),
        Login("louzu", "楼组长", "building leader", "1–3号楼的居民", "residents of buildings 1–3"),
        Login("nuanxin", "暖心组组长", "group leader (暖心组)", "暖心组的成员", "the members of 暖心组"),
        Login("zhiyuan", "志愿者", "volunteer", "自己的任务", "own assignments"),
        Login(
            "jumin",
            "居民",
            "resident",
            f"本户信息（1号楼的一户老人家）；手机版 /portal/：手机号 {demo_portal.DEMO_PHONE}（验证码见服务器日志）或户邀请码 {demo_portal.DEMO_INVITE}",
            f"own household (elders in building 1); phone pages /portal/: mobile {demo_portal.DEMO_PHONE} (code in the server log) or invitation code {demo_portal.DEMO_INVITE}",
        ),
        Login(
            "jiedao",
            "街道工作人员",
            "street officer",
            f"{street_name}各居民区的统计数字，不含个人信息",
            f"figures for {street_name}, no personal data",
        ),
        Login("admin", "系统管理员", "superuser", "管理后台 /admin/", "the Django admin at /admin/"),
    ]


# --------------------------------------------------------------------------------------------------
# The plan: plain Python people and households, decided before anything is written.


@dataclass(eq=False)
class Person:
    gender: str
    birth: dt.date
    relation: str
    registration: str = LOCAL
    name: str = ""
    surname: str = ""
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    moved_in: dt.date | None = None
    moved_out: dt.date | None = None
    move_out_reason: str = ""
    party_joined: dt.date | None = None
    party_full_member: dt.date | None = None
    tags: list[str] = field(default_factory=list)
    row: Resident | None = None

    def age(self, today: dt.date) -> int:
        return age_on(self.birth, today)


@dataclass(eq=False)
class HouseholdPlan:
    kind: str
    registration: str
    members: list[Person]  # current residents; the first is the head
    former: list[Person] = field(default_factory=list)  # moved out (history)
    tenure: str = Tenure.OWNER
    flat: Flat | None = None
    is_active: bool = True
    row: Household | None = None

    @property
    def head(self) -> Person:
        return self.members[0]


@dataclass
class CommunityBuild:
    community: Community
    residents: int
    households: int
    seconds: float
    index: int
    buildings: dict[str, Building] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    plans: list[HouseholdPlan] = field(default_factory=list)


@dataclass
class BuildResult:
    communities: list[CommunityBuild]
    users: list[str]
    seconds: float

    @property
    def residents(self) -> int:
        return sum(c.residents for c in self.communities)


class DemoExists(Exception):
    """A community the generator would create is already in the database."""


@dataclass
class _Run:
    """State shared by the communities of one run: ID sequence counters, tags, the clock."""

    seed: int
    today: dt.date
    check_existing_ids: bool
    sequences: dict[tuple[int, str, dt.date, str], int] = field(default_factory=dict)  # see _id_number
    tags: dict[str, Tag] = field(default_factory=dict)
    streets: dict[str, Street] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Entry point


def build(
    *,
    preset: str | None = None,
    presets: Sequence[str] = (),
    communities: int = 0,
    seed: int = DEFAULT_SEED,
    users: bool | None = None,
    jobs: int | None = None,
    today: dt.date | None = None,
    verbose: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the named presets, then `communities` benchmark communities, each in its own transaction.

    Demo accounts (`users`, default: when a preset is built) are attached to the first community built.
    `jobs` processes build at once on PostgreSQL (default: one per CPU, up to 8, for 8 communities or
    more); SQLite, or a call inside a transaction, builds in this process. Raises DemoExists before
    writing anything if one of the communities is already there.
    """
    started = time.perf_counter()
    names = list(presets) + ([preset] if preset else [])
    unknown = [n for n in names if n not in PRESETS]
    if unknown:
        raise ValueError(f"unknown preset {unknown[0]!r}; choose from {', '.join(PRESETS)}")
    shapes = [PRESETS[n] for n in dict.fromkeys(names)] + bench_shapes(communities, seed=seed)
    if users is None:
        users = bool(names)
    if progress is None and verbose:
        progress = functools.partial(print, flush=True)
    tally = _Tally(shapes, progress or (lambda message: None), started)
    _refuse_existing(shapes)
    run = _Run(seed=seed, today=today or dt.date.today(), check_existing_ids=Resident.objects.exists())
    run.tags = tags_ensure()
    for shape in shapes:
        if shape.street not in run.streets:
            run.streets[shape.street] = Street.objects.get_or_create(
                name=shape.street, defaults={"district": shape.district}
            )[0]
    indices = list(range(len(shapes)))
    built: list[CommunityBuild] = []
    created_users: list[str] = []
    if users and shapes:  # the demo community first, here: the accounts are picked from its people
        with transaction.atomic():
            first = _community_build(run, shapes[0], 0)
        tally.add(first)
        created_users = demo_users_create(first, today=run.today)
        demo_volunteers.link_demo_user(first.community)  # the `zhiyuan` login's volunteer record
        demo_portal.build(first.community, today=run.today, seed=run.seed)  # `jumin`: phone, invitation
        demo_lifts.build(first.community, today=run.today, seed=run.seed)  # lift projects, through services
        built.append(first)
        indices = indices[1:]
    jobs = _jobs(jobs, len(indices))
    if jobs > 1:
        built += _build_in_processes(run, shapes, indices, jobs, tally)
    else:
        for index in indices:
            with transaction.atomic():
                result = _community_build(run, shapes[index], index)
            tally.add(result)
            built.append(result)
    built.sort(key=lambda b: b.index)
    _statistics_refresh()
    return BuildResult(communities=built, users=created_users, seconds=time.perf_counter() - started)


def _statistics_refresh() -> None:
    """After a bulk load PostgreSQL's planner still believes the tables are empty and picks plans for
    one row (nested loops over thousands), and with no visibility map yet no count can be answered from
    an index alone; autovacuum catches up only later. VACUUM ANALYZE now."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")  # SQLite's planner, too, chooses indexes better with statistics


class _Tally:
    """Counts what has been built and reports about thirty times over a run, with the rate."""

    def __init__(self, shapes: Sequence[Shape], report: Callable[[str], None], started: float):
        self.shapes, self.report, self.started = shapes, report, started
        self.done = self.residents = 0
        self.every = max(1, len(shapes) // 30)

    def add(self, result: CommunityBuild) -> None:
        self.done += 1
        self.residents += result.residents
        if self.done % self.every and self.done != len(self.shapes):
            return
        shape = self.shapes[result.index]
        elapsed = time.perf_counter() - self.started
        self.report(
            f"  [{self.done}/{len(self.shapes)}] {shape.street} {shape.name}: {result.residents:,} 位居民 residents, "
            f"{result.households:,} 户 households · 累计 total {self.residents:,} · {elapsed:.1f} s "
            f"({self.residents / elapsed:,.0f} 居民/秒 residents/s)"
        )


def _jobs(jobs: int | None, count: int) -> int:
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block  # children could not see this transaction's rows
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if count >= 8 else 1
    return max(1, min(jobs, count))


def _build_in_processes(
    run: _Run, shapes: Sequence[Shape], indices: list[int], jobs: int, tally: _Tally
) -> list[CommunityBuild]:
    """Build `indices` in `jobs` forked processes, each with its own database connection.

    A community's ID numbers come from its class (see _id_number), so each process takes whole classes
    and builds their communities in order. Children report each community through a queue; the first
    failure stops the others (communities already committed stay).
    """
    assignments: list[list[int]] = [[] for _ in range(jobs)]
    for index in indices:
        assignments[(index % ID_CLASSES) % jobs].append(index)
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    workers = [
        context.Process(target=_build_worker, args=(run, shapes, mine, queue), daemon=True)
        for mine in assignments
        if mine
    ]
    for worker in workers:
        worker.start()
    built: list[CommunityBuild] = []
    running = len(workers)
    try:
        while running:
            try:
                kind, payload = queue.get(timeout=5)
            except Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise RuntimeError("a demo build process died") from None
                continue
            if kind == "built":
                tally.add(payload)
                built.append(payload)
            elif kind == "done":
                running -= 1
            else:
                raise RuntimeError(f"a demo build process failed:\n{payload}")
    finally:
        for worker in workers:
            if worker.is_alive() and running:
                worker.terminate()
            worker.join()
    return built


def _build_worker(run: _Run, shapes: Sequence[Shape], indices: list[int], queue) -> None:
    try:
        for index in indices:
            with transaction.atomic():
                result = _community_build(run, shapes[index], index)
            # Only the summary travels back; the plans stay here.
            queue.put(
                (
                    "built",
                    CommunityBuild(
                        result.community, result.residents, result.households, result.seconds, index
                    ),
                )
            )
        queue.put(("done", None))
    except BaseException:
        queue.put(("failed", traceback.format_exc()))
    finally:
        connections.close_all()


def bench_shapes(count: int, *, seed: int = DEFAULT_SEED) -> list[Shape]:
    """`count` wannan-like communities of about BENCH_RESIDENTS residents, ten to a street."""
    r = random.Random(f"{seed}:bench")
    shapes = []
    for i in range(count):
        street_no, community_no = divmod(i, BENCH_PER_STREET)
        prefix = BENCH_STREETS[street_no % len(BENCH_STREETS)]
        street = (
            f"{prefix}街道"
            if street_no < len(BENCH_STREETS)
            else f"{prefix}第{street_no // len(BENCH_STREETS) + 1}街道"
        )
        residents = round(BENCH_RESIDENTS * r.uniform(0.9, 1.1))
        name = f"{prefix}{NUMERALS[community_no]}村"
        shapes.append(
            dataclasses.replace(
                WANNAN,
                name=name,
                street=street,
                estate=name,
                residents=residents,
                buildings=max(8, round(residents / 86)),  # 宛南六村: 3,700 residents in 43 buildings
            )
        )
    return shapes


def tags_ensure() -> dict[str, Tag]:
    """The standard tags, created if missing; shared by every community."""
    tags = {}
    for position, name in enumerate(STANDARD_TAGS, start=1):
        tags[name] = Tag.objects.get_or_create(name=name, defaults={"sort_key": position})[0]
    return tags


def _refuse_existing(shapes: Sequence[Shape]) -> None:
    for shape in shapes:
        if Community.objects.filter(street__name=shape.street, name=shape.name).exists():
            raise DemoExists(f"{shape.street}{shape.name} 已存在 / already exists")


# --------------------------------------------------------------------------------------------------
# One community


def _community_build(run: _Run, shape: Shape, index: int) -> CommunityBuild:
    started = time.perf_counter()
    r = random.Random(f"{run.seed}:{index}:{shape.name}")
    klass = index % ID_CLASSES
    today = run.today
    community = Community.objects.create(
        street=run.streets[shape.street],
        name=shape.name,
        address=f"上海市{shape.district}{shape.street}{shape.estate}",
    )
    cid = community.pk
    estate = Estate.objects.create(community=community, name=shape.estate, address=community.address)
    branches = PartyBranch.objects.bulk_create(
        [PartyBranch(community=community, name=n) for n in BRANCH_NAMES]
    )

    plans = _households_plan(r, shape, today)
    layout = _layout_plan(r, shape, needed=round(len(plans) / (1 - shape.vacancy)) + 1)

    buildings = Building.objects.bulk_create(
        [
            Building(
                community_id=cid, estate=estate, number=str(n), sort_key=n, floors=floors, built_year=year
            )
            for n, (floors, _, _, year) in enumerate(layout, start=1)
        ],
        batch_size=BATCH_SIZE,
    )
    entrances = []
    for building, (floors, n_entrances, _, _) in zip(buildings, layout, strict=True):
        for e in range(1, n_entrances + 1):
            entrances.append(
                Entrance(
                    community_id=cid,
                    building_id=building.pk,
                    number=e,
                    has_lift=floors >= shape.lifts_from_floor,
                )
            )
    entrances = Entrance.objects.bulk_create(entrances, batch_size=BATCH_SIZE)
    by_building = {b.pk: (b, spec) for b, spec in zip(buildings, layout, strict=True)}
    flats = []
    for entrance in entrances:
        building, (floors, _, per_floor, year) = by_building[entrance.building_id]
        for floor in range(1, floors + 1):
            for j in range(1, per_floor + 1):
                flats.append(
                    Flat(
                        community_id=cid,
                        building_id=building.pk,
                        entrance_id=entrance.pk,
                        floor=floor,
                        number=f"{floor}{j:02d}",
                        area=_flat_area(r, shape, year, per_floor),
                    )
                )
    flats = Flat.objects.bulk_create(flats, batch_size=BATCH_SIZE)
    building_of = {b.pk: b for b in buildings}
    building_index = {b.pk: i for i, b in enumerate(buildings)}

    # Households into flats, then the dates that depend on the flat (a building's year) and the tenure.
    order = list(range(len(flats)))
    r.shuffle(order)
    for plan, flat_index in zip(plans, order, strict=False):
        plan.flat = flats[flat_index]
    vacant = [flats[i] for i in order[len(plans) :]]
    former_plans = []
    for plan in plans:
        built_on = dt.date(building_of[plan.flat.building_id].built_year, 7, 1)
        _dates_plan(r, plan, built_on, today)
        if plan.tenure == Tenure.TENANT and r.random() < 0.3:
            former_plans.append(_former_household_plan(r, plan, built_on, today))
    people: list[tuple[Person, HouseholdPlan]] = [
        (person, plan) for plan in plans + former_plans for person in plan.members + plan.former
    ]
    # ID numbers first: a crowded birth date may move a day back, and the age-based tags come after.
    for person, _ in people:
        person.id_number = _id_number(run, r, person, shape.home_codes, klass)
    if run.check_existing_ids:
        _avoid_existing_ids(run, r, [p for p, _ in people if p.moved_out is None], shape.home_codes, klass)
    for plan in plans + former_plans:
        for person in plan.members + plan.former:
            _person_complete(r, person, today)
        _tags_plan(r, plan, today)

    households = Household.objects.bulk_create(
        [
            Household(community_id=cid, flat_id=p.flat.pk, tenure=p.tenure, is_active=p.is_active)
            for p in plans + former_plans
        ],
        batch_size=BATCH_SIZE,
    )
    for plan, row in zip(plans + former_plans, households, strict=True):
        plan.row = row

    rows = []
    for person, plan in people:
        pinyin, initials = name_keys_cached(person.name)
        branch = None
        if person.party_joined:
            branch = branches[building_index[plan.flat.building_id] * len(branches) // len(buildings)]
        person.row = Resident(
            community_id=cid,
            household_id=plan.row.pk,
            name=person.name,
            name_pinyin=pinyin,
            name_initials=initials,
            gender=person.gender,
            birth_date=person.birth,
            id_type=person.id_type,
            id_number=person.id_number,  # in clear: the field encrypts in get_prep_value
            id_number_hash=keyed_hash(person.id_number),
            phone=person.phone,
            phone_hash=keyed_hash(person.phone),
            registration_type=person.registration,
            relation=person.relation,
            moved_in=person.moved_in,
            moved_out=person.moved_out,
            move_out_reason=person.move_out_reason,
            party_joined=person.party_joined,
            party_full_member=person.party_full_member,
            party_branch=branch,
        )
        rows.append(person.row)
    Resident.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    through = Resident.tags.through
    Resident.tags.through.objects.bulk_create(
        [through(resident_id=p.row.pk, tag_id=run.tags[t].pk) for p, _ in people for t in p.tags],
        batch_size=BATCH_SIZE,
    )

    _owners_write(run, r, cid, plans, vacant, today, klass)
    groups = _groups_write(r, community, branches, plans, today)
    _building_groups_write(r, cid, buildings, entrances, plans, today)
    _branch_secretaries_write(branches, today)
    # organizing areas: volunteers, party — each area adds ONE call here (e.g. `_volunteers_write(r,
    # community, plans, groups, today)`), written like the two above: plan in Python, then bulk_create,
    # no save() and no history rows; `make demo` must stay fast (measure `linli demo` before and after).
    demo_party.build(community, today=today, seed=run.seed)
    demo_volunteers.build(community, today=today, seed=run.seed)
    demo_meetings.build(community, today=today, seed=run.seed)
    demo_conventions.build(community, today=today, seed=run.seed)
    demo_votes.build(community, today=today, seed=run.seed)

    current = sum(len(p.members) for p in plans)
    return CommunityBuild(
        community=community,
        residents=current,
        households=len(plans),
        seconds=time.perf_counter() - started,
        index=index,
        buildings={b.number: b for b in buildings},
        groups=groups,
        plans=plans,
    )


def _layout_plan(r: random.Random, shape: Shape, *, needed: int) -> list[tuple[int, int, int, int]]:
    """(floors, entrances, flats per floor per entrance, built year) per building, with at least
    `needed` flats. A fixed number of buildings is first drawn at random, then grown or shrunk a step at a
    time (an entrance, a flat per floor, a floor) until the flats fit the households with a little vacancy."""

    def draw() -> list:
        return [
            r.choice(shape.floors),
            r.choice(shape.entrances),
            r.choice(shape.flats_per_floor),
            r.randint(*shape.built),
        ]

    def flats(spec) -> int:
        return spec[0] * spec[1] * spec[2]

    if shape.buildings is None:
        layout = []
        while sum(flats(s) for s in layout) < needed:
            layout.append(draw())
    else:
        layout = [draw() for _ in range(shape.buildings)]
        steps = [(1, shape.entrances), (2, shape.flats_per_floor), (0, shape.floors)]
        for _ in range(10_000):
            total = sum(flats(s) for s in layout)
            if needed <= total <= needed * 1.06:
                break
            spec = r.choice(layout)
            position, choices = r.choice(steps)
            values = sorted(set(choices))
            at = values.index(spec[position])
            if total < needed and at + 1 < len(values):
                spec[position] = values[at + 1]
            elif total > needed * 1.06 and at > 0:
                spec[position] = values[at - 1]
        if sum(flats(s) for s in layout) < needed:
            raise ValueError(f"{shape.name}: {shape.buildings} buildings cannot hold {needed} flats")
    layout.sort(key=lambda s: s[3])  # older buildings first: low numbers were built first
    return [tuple(s) for s in layout]


def _flat_area(r: random.Random, shape: Shape, year: int, per_floor: int) -> Decimal:
    """Older buildings have smaller flats, and so do floors with more flats."""
    low, high = shape.area
    span = high - low
    newer = (year - shape.built[0]) / max(1, shape.built[1] - shape.built[0])
    lo = low + span * 0.3 * newer
    hi = low + span * (0.55 + 0.45 * newer)
    if per_floor >= 3:
        hi = lo + (hi - lo) * 0.75
    return Decimal(f"{r.uniform(lo, hi):.2f}")


# --------------------------------------------------------------------------------------------------
# Households and the people in them


def _pick(r: random.Random, weights: dict) -> str:
    return r.choices(list(weights), weights=list(weights.values()))[0]


def _birth(r: random.Random, today: dt.date, age: float) -> dt.date:
    """A birth date for someone `age` years old today (age may be fractional)."""
    return today - dt.timedelta(days=int((age + r.random()) * 365.2425))


def _tri(r: random.Random, low: float, high: float, mode: float) -> float:
    return r.triangular(low, high, mode)


def _households_plan(r: random.Random, shape: Shape, today: dt.date) -> list[HouseholdPlan]:
    """Households with their people, matching the shape's exact counts."""
    plans: list[HouseholdPlan] = []
    total = 0
    while True:
        if shape.households is not None and len(plans) == shape.households:
            break
        if shape.households is None and total >= shape.residents:
            break
        registration = _pick(r, shape.registration)
        kinds = {LOCAL: shape.local_kinds, MIGRANT: MIGRANT_KINDS, OVERSEAS: OVERSEAS_KINDS}[registration]
        kind = _pick(r, kinds)
        members = _compose(r, kind, registration, today)[: shape.max_size]
        plans.append(HouseholdPlan(kind=kind, registration=registration, members=members))
        total += len(members)
    if shape.households is None:
        excess = total - shape.residents
        if excess:
            plans[-1].members = plans[-1].members[: len(plans[-1].members) - excess]
    else:
        _match_size(r, plans, shape.residents, shape.max_size, today)
    for plan in plans:
        for person in plan.members:
            person.registration = plan.registration
    if shape.migrants is not None:
        _match_migrants(r, plans, shape.migrants)
    for plan in plans:
        plan.tenure = _pick(r, shape.tenure[plan.head.registration])
    return plans


def _compose(r: random.Random, kind: str, registration: str, today: dt.date) -> list[Person]:
    """The people of one household of `kind`: plausible ages, couples of similar age, children 22–35
    years younger than their mother. The head comes first."""

    def person(age: float, gender: str, relation: str) -> Person:
        return Person(gender=gender, birth=_birth(r, today, max(0.0, age)), relation=relation)

    def couple(age: float) -> tuple[Person, Person, float]:
        """Husband and wife, of marriageable age (22 and 20); the wife is usually a little younger.
        Returns the wife's age too."""
        age = max(age, 22.0)
        wife_age = max(20.0, age - r.randint(-2, 6))
        husband, wife = person(age, MALE, Relation.HEAD), person(wife_age, FEMALE, Relation.SPOUSE)
        if r.random() < 0.25:  # the wife is the head of the household
            husband.relation, wife.relation = Relation.SPOUSE, Relation.HEAD
            return wife, husband, wife_age
        return husband, wife, wife_age

    def child_of(mother_age: float, relation: str = Relation.CHILD) -> Person | None:
        age = mother_age - r.randint(22, 35)
        if age < 0:
            return None
        return person(age, r.choice((MALE, FEMALE)), relation)

    def gender() -> str:
        return r.choice((MALE, FEMALE))

    members: list[Person]
    if kind == "elder_single":
        members = [person(_tri(r, 62, 98, 79), FEMALE if r.random() < 0.68 else MALE, Relation.HEAD)]
    elif kind == "elder_couple":
        head, spouse, _ = couple(_tri(r, 60, 94, 72))
        members = [head, spouse]
    elif kind == "elder_couple_child":
        head, spouse, wife_age = couple(_tri(r, 60, 90, 70))
        members = [head, spouse] + [c for c in [child_of(wife_age)] if c]
    elif kind == "elder_with_child":
        age = _tri(r, 62, 96, 80)
        members = [person(age, FEMALE if r.random() < 0.7 else MALE, Relation.HEAD)]
        members += [c for c in [child_of(age)] if c]
    elif kind == "three_generations":
        if r.random() < 0.5:  # grandparents head the household
            if r.random() < 0.6:
                head, spouse, wife_age = couple(_tri(r, 60, 88, 70))
                members = [head, spouse]
            else:
                wife_age = _tri(r, 62, 92, 76)
                members = [person(wife_age, FEMALE, Relation.HEAD)]
            child = child_of(wife_age)
            if child:
                members.append(child)
                grandchild = child_of(
                    child.age(today) + (0 if child.gender == FEMALE else 2), Relation.GRANDCHILD
                )
                if grandchild:
                    members.append(grandchild)
        else:  # a middle-aged couple with a child and a widowed parent
            head, spouse, wife_age = couple(_tri(r, 38, 58, 47))
            members = [head, spouse]
            child = child_of(wife_age)
            if child:
                members.append(child)
            members.append(
                person(wife_age + r.randint(24, 33), FEMALE if r.random() < 0.7 else MALE, Relation.PARENT)
            )
    elif kind in ("family", "with_parent"):
        young = kind == "with_parent" or registration != LOCAL
        head, spouse, wife_age = couple(_tri(r, 26, 48, 36) if young else _tri(r, 28, 56, 44))
        members = [head, spouse]
        for _ in range(1 if r.random() < 0.7 else 2):
            child = child_of(wife_age)
            if child and child.age(today) < (30 if young else 36):
                members.append(child)
        if kind == "with_parent":
            members.append(person(wife_age + r.randint(24, 32), gender(), Relation.PARENT))
    elif kind == "midlife":
        age = _tri(r, 45, 64, 55)
        if r.random() < 0.6:
            head, spouse, _ = couple(age)
            members = [head, spouse]
        else:
            members = [person(age, gender(), Relation.HEAD)]
    elif kind == "young":
        age = _tri(r, 21, 40, 28)
        if r.random() < 0.45:
            head, spouse, _ = couple(age)
            members = [head, spouse]
        else:
            members = [person(age, gender(), Relation.HEAD)]
    elif kind == "shared":  # flat-mates renting together
        members = [person(_tri(r, 20, 45, 28), gender(), Relation.HEAD)]
        members += [person(_tri(r, 20, 45, 28), gender(), Relation.OTHER) for _ in range(r.randint(1, 3))]
    else:
        raise ValueError(f"unknown household kind {kind!r}")
    _names_plan(r, members, foreign=registration == OVERSEAS)
    return members


def _names_plan(r: random.Random, members: list[Person], *, foreign: bool) -> None:
    """Names; children take their father's surname (usually), grandchildren their father's too."""
    for person in members:
        person.surname = r.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
    men = [p for p in members if p.relation in (Relation.HEAD, Relation.SPOUSE) and p.gender == MALE]
    sons = [p for p in members if p.relation == Relation.CHILD and p.gender == MALE]
    for person in members:
        if person.relation == Relation.CHILD and men and r.random() < 0.9:
            person.surname = men[0].surname
        elif person.relation == Relation.GRANDCHILD and (sons or men) and r.random() < 0.85:
            person.surname = (sons or men)[0].surname
    for person in members:
        if foreign:
            person.name = f"{r.choice(_LATIN_LAST)} {r.choice(_LATIN_FIRST[person.gender])}".upper()
            person.id_type = IdType.PASSPORT
        else:
            person.name = person.surname + r.choice(_GIVEN[person.gender])


def _match_size(r: random.Random, plans: list[HouseholdPlan], residents: int, max_size: int, today) -> None:
    """Add or remove household members one at a time until there are exactly `residents` people."""
    total = sum(len(p.members) for p in plans)
    while total != residents:
        plan = r.choice(plans)
        if total > residents and len(plan.members) > 1:
            plan.members.pop()
            total -= 1
        elif total < residents and len(plan.members) < max_size:
            head = plan.head
            age = head.age(today) - r.randint(22, 34)
            if age >= 0:
                extra = Person(
                    gender=r.choice((MALE, FEMALE)), birth=_birth(r, today, age), relation=Relation.CHILD
                )
            else:
                extra = Person(
                    gender=r.choice((MALE, FEMALE)),
                    birth=_birth(r, today, head.age(today) + r.randint(-3, 3)),
                    relation=Relation.OTHER,
                )
            _names_plan(r, [extra], foreign=plan.registration == OVERSEAS)
            if extra.relation == Relation.CHILD and head.gender == MALE and r.random() < 0.9:
                extra.name = head.surname + extra.name[len(extra.surname) :]
                extra.surname = head.surname
            plan.members.append(extra)
            total += 1


def _match_migrants(r: random.Random, plans: list[HouseholdPlan], target: int) -> None:
    """Turn whole households local ↔ migrant until one more would overshoot, then register the last few
    people of a mixed household (a local family with a spouse from elsewhere) to hit `target` exactly."""

    def count() -> int:
        return sum(1 for p in plans for m in p.members if m.registration == MIGRANT)

    order = plans[:]
    r.shuffle(order)
    have = count()
    for plan in order:
        if have == target:
            return
        size = len(plan.members)
        if have > target and plan.registration == MIGRANT and have - size >= target:
            plan.registration = LOCAL
            have -= size
        elif have < target and plan.registration == LOCAL and have + size <= target:
            plan.registration = MIGRANT
            have += size
        else:
            continue
        for m in plan.members:
            m.registration = plan.registration
    for plan in order:  # the remainder: part of one household
        if have == target:
            return
        gap = target - have
        source, goal = (LOCAL, MIGRANT) if gap > 0 else (MIGRANT, LOCAL)
        if plan.registration != source or len(plan.members) <= abs(gap):
            continue
        for m in plan.members[len(plan.members) - abs(gap) :]:  # never the head: the household keeps its type
            m.registration = goal
        have = count()
    if have != target:
        raise ValueError(f"cannot place exactly {target} migrants")


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _between(r: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=r.randint(0, (end - start).days))


def _dates_plan(r: random.Random, plan: HouseholdPlan, built_on: dt.date, today: dt.date) -> None:
    """Moved-in dates (owners often since the building was new, tenants recently) and moved-out people:
    a spouse who died, a grown child who moved away."""
    head = plan.head
    adult = _years_after(head.birth, 20)
    latest = today - dt.timedelta(days=30)
    if plan.tenure == Tenure.TENANT or plan.registration != LOCAL:
        start = max(built_on, adult, today - dt.timedelta(days=365 * 9))
    else:
        start = max(built_on, adult)
    if start >= latest:
        moved_in = latest
    elif plan.tenure == Tenure.TENANT or plan.registration != LOCAL:
        moved_in = _between(r, start, latest)
    else:  # owners and public tenants: most have been here for decades
        moved_in = start + dt.timedelta(days=int((latest - start).days * r.triangular(0, 1, 0)))
    moved_in = max(moved_in, head.birth)
    for person in plan.members:
        if person.relation == Relation.PARENT:
            person.moved_in = _between(r, moved_in, latest)
        else:
            person.moved_in = max(moved_in, person.birth)
    if moved_in > latest - dt.timedelta(days=365 * 2):
        return
    if len(plan.members) == 1 and head.age(today) >= 65 and r.random() < 0.35:
        spouse_gender = FEMALE if head.gender == MALE else MALE
        late = Person(
            gender=spouse_gender,
            birth=_birth(r, today, head.age(today) + r.randint(-3, 5)),
            relation=Relation.SPOUSE,
            registration=head.registration,
        )
        _names_plan(r, [late], foreign=False)
        late.moved_in = max(moved_in, _years_after(late.birth, 20))
        late.moved_out = _between(r, late.moved_in + dt.timedelta(days=365), latest)
        late.move_out_reason = MoveOutReason.DECEASED
        plan.former.append(late)
    elif head.age(today) >= 55 and len(plan.members) == 2 and r.random() < 0.15:
        wife_age = min(m.age(today) for m in plan.members)
        age = wife_age - r.randint(22, 34)
        if age >= 23:  # left home at 22 or later, and before today
            gone = Person(
                gender=r.choice((MALE, FEMALE)), birth=_birth(r, today, age), relation=Relation.CHILD
            )
            _names_plan(r, [gone], foreign=False)
            if head.gender == MALE:
                gone.name = head.surname + gone.name[len(gone.surname) :]
            gone.registration = head.registration
            gone.moved_in = max(moved_in, gone.birth)
            gone.moved_out = _between(r, max(gone.moved_in, _years_after(gone.birth, 22)), latest)
            gone.move_out_reason = MoveOutReason.MOVED
            plan.former.append(gone)


def _former_household_plan(r: random.Random, current: HouseholdPlan, built_on, today) -> HouseholdPlan:
    """The tenants who lived in the flat before the current ones (an inactive household)."""
    registration = MIGRANT if r.random() < 0.6 else LOCAL
    members = _compose(r, "young", registration, today)
    end = current.head.moved_in - dt.timedelta(days=r.randint(10, 200))
    for person in members:
        person.registration = registration
        person.moved_out = max(end, built_on, _years_after(person.birth, 18))
        person.moved_in = max(
            built_on,
            _years_after(person.birth, 18),
            person.moved_out - dt.timedelta(days=r.randint(200, 2000)),
        )
        person.moved_out = min(max(person.moved_out, person.moved_in), today)
        person.moved_in = min(person.moved_in, person.moved_out)
        person.move_out_reason = MoveOutReason.MOVED
    return HouseholdPlan(
        kind="young",
        registration=registration,
        members=[],
        former=members,
        tenure=Tenure.TENANT,
        flat=current.flat,
        is_active=False,
    )


def _person_complete(r: random.Random, person: Person, today: dt.date) -> None:
    """Phone and party membership, by age."""
    age = person.age(today)
    if age >= 14:
        chance = 0.3 if age < 18 else 0.96 if age < 70 else 0.8 if age < 80 else 0.55
        if r.random() < chance:
            person.phone = f"{r.choice(MOBILE_PREFIXES)}000{r.randrange(100_000):05d}"
    if age >= 19 and person.registration != OVERSEAS:
        chance = 0.04 if age < 40 else 0.06 if age < 60 else 0.12 if age < 70 else 0.17
        if person.registration == MIGRANT:
            chance /= 2
        if r.random() < chance:
            join_age = _tri(r, 18, min(age, 55), 24 if age >= 60 else 26)
            joined = _years_after(person.birth, int(join_age)) + dt.timedelta(days=r.randint(0, 364))
            joined = max(joined, _years_after(person.birth, 18))
            if joined < today - dt.timedelta(days=30):
                person.party_joined = joined
                full = _years_after(joined, 1)
                person.party_full_member = full if full <= today else None


def _tags_plan(r: random.Random, plan: HouseholdPlan, today: dt.date) -> None:
    """独居 for elders living alone, 高龄 at 80, and the rarer tags at plausible rates."""
    alone = plan.is_active and len(plan.members) == 1
    if plan.is_active and r.random() < 0.03:
        plan.head.tags += ["困难家庭"] + (["低保"] if r.random() < 0.5 else [])
    for person in plan.members:
        age = person.age(today)
        tags = person.tags
        if alone and age >= 60:
            tags.append("独居")
            no_children = r.random() < (0.3 if age >= 70 else 0.1)
            if no_children:
                tags.append("孤老")
        if age >= 80:
            tags.append("高龄")
        if (age >= 75 and r.random() < 0.2) or (60 <= age < 75 and r.random() < 0.03):
            tags.append("行动不便")
        if age >= 5 and r.random() < 0.015:
            tags.append("残疾")
        if person.gender == MALE and age >= 40 and r.random() < 0.04:
            tags.append("退役军人")
        if "孤老" in tags or ("独居" in tags and age >= 80 and r.random() < 0.5):
            tags.append("重点关注")


# --------------------------------------------------------------------------------------------------
# ID numbers


@functools.cache
def _valid_codes(pool: tuple[str, ...], year: int) -> tuple[str, ...]:
    """The codes of `pool` that existed in `year`, as stdnum checks them."""
    valid = []
    for code in pool:
        try:
            ric.get_birth_place(f"{code}{year}0101000")
        except ValidationError:
            continue
        valid.append(code)
    return tuple(valid)


def _area_code(r: random.Random, person: Person, home: tuple[str, ...]) -> str:
    year = person.birth.year
    if person.registration == LOCAL:
        roll = r.random()
        pools = [home] if roll < 0.6 else [SHANGHAI_URBAN] if roll < 0.9 else [ELSEWHERE]
    else:
        pools = [ELSEWHERE]
    for pool in pools + [TIMELESS]:
        codes = _valid_codes(pool, year)
        if codes:
            return codes[0] if pool is home else r.choice(codes)
    raise ValueError(f"no area code valid in {year}")  # unreachable: TIMELESS codes have no end year


def _id_number(run: _Run, r: random.Random, person: Person, home: tuple[str, ...], klass: int) -> str:
    """A fictitious resident ID number, unique within the run.

    The 500 sequence numbers of an area code, birth date and sex are dealt out to ID_CLASSES classes;
    community number i draws from class i % ID_CLASSES, and a class's communities are always built in
    order by one process, so numbers stay unique, and the same seed gives the same numbers, however
    many processes build. When a class has used its share for a day, the birth date moves a day back.
    """
    if person.id_type == IdType.PASSPORT:
        return f"{r.choice('EGPKM')}{r.randrange(10**8):08d}"
    area = _area_code(r, person, home)
    share = 500 // ID_CLASSES
    while True:
        key = (klass, area, person.birth, person.gender)
        used = run.sequences.get(key, 0)
        if used < share:
            run.sequences[key] = used + 1
            break
        person.birth -= dt.timedelta(days=1)
    # Spread the numbers over the range: a fixed start per key, then a step coprime with the share.
    slot = ((zlib.crc32(f"{area}{person.birth}".encode()) + used * 7) % share) * ID_CLASSES + klass
    sequence = 2 * slot + (1 if person.gender == MALE else 0)
    body = f"{area}{person.birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def _avoid_existing_ids(
    run: _Run, r: random.Random, people: list[Person], home: tuple[str, ...], klass: int
) -> None:
    """When the database already held residents before this run (an earlier `linli demo` with the same
    seed, say), draw new numbers for anyone whose number is already registered as living somewhere."""
    pending = [p for p in people if p.id_type != IdType.PASSPORT]
    while pending:
        hashes = {keyed_hash(p.id_number): p for p in pending}
        taken: set[str] = set()
        keys = list(hashes)
        for start in range(0, len(keys), 500):
            taken.update(
                Resident.objects.filter(
                    id_number_hash__in=keys[start : start + 500], moved_out__isnull=True
                ).values_list("id_number_hash", flat=True)
            )
        pending = [hashes[h] for h in taken]
        for person in pending:
            person.id_number = _id_number(run, r, person, home, klass)


# --------------------------------------------------------------------------------------------------
# Owners and groups


def _owners_write(
    run: _Run,
    r: random.Random,
    cid: int,
    plans: list[HouseholdPlan],
    vacant: list[Flat],
    today: dt.date,
    klass: int,
) -> None:
    """Owner-occupied flats belong to the household's head (with the spouse as co-owner, half each, in
    about a third of couples); let and empty flats to owners living elsewhere. Public housing (公房) has
    no private owner: the tenant of record is the household's head."""
    owners: list[Owner] = []
    titles: list[tuple[int, Flat, int]] = []  # (owner index, flat, co-owners)

    def resident_owner(person: Person) -> int:
        owners.append(
            Owner(
                community_id=cid,
                name=person.name,
                resident=person.row,
                id_number=person.id_number,
                id_number_hash=keyed_hash(person.id_number),
                phone=person.phone,
            )
        )
        return len(owners) - 1

    def absent_owner(gender: str | None = None) -> int:
        person = Person(
            gender=gender or r.choice((MALE, FEMALE)),
            birth=_birth(r, today, _tri(r, 32, 85, 55)),
            relation="",
        )
        _names_plan(r, [person], foreign=False)
        person.id_number = _id_number(run, r, person, SHANGHAI_URBAN, klass)
        person.phone = f"{r.choice(MOBILE_PREFIXES)}000{r.randrange(100_000):05d}"
        return resident_owner(person)

    for plan in plans:
        if plan.tenure == Tenure.PUBLIC:
            continue
        if plan.tenure == Tenure.OWNER:
            spouse = next((m for m in plan.members if m.relation == Relation.SPOUSE), None)
            if (
                spouse is not None
                and plan.head.id_type == spouse.id_type == IdType.RESIDENT_ID
                and r.random() < 0.35
            ):
                titles += [(resident_owner(plan.head), plan.flat, 2), (resident_owner(spouse), plan.flat, 2)]
            else:
                titles.append((resident_owner(plan.head), plan.flat, 1))
        else:
            _absent_title(r, titles, plan.flat, absent_owner)
    for flat in vacant:
        _absent_title(r, titles, flat, absent_owner)
    owners = Owner.objects.bulk_create(owners, batch_size=BATCH_SIZE)
    Ownership.objects.bulk_create(
        [
            Ownership(
                community_id=cid,
                owner_id=owners[i].pk,
                flat_id=flat.pk,
                share_numerator=1,
                share_denominator=co_owners,
            )
            for i, flat, co_owners in titles
        ],
        batch_size=BATCH_SIZE,
    )


def _absent_title(r: random.Random, titles: list, flat: Flat, absent_owner) -> None:
    if r.random() < 0.12:  # a couple living elsewhere
        titles += [(absent_owner(MALE), flat, 2), (absent_owner(FEMALE), flat, 2)]
    else:
        titles.append((absent_owner(), flat, 1))


GROUP_MEMBERS = {
    # name: (how many, youngest, oldest, party members only, upper floors only)
    "初心组": (10, 30, 78, True, False),
    "暖心组": (9, 45, 72, False, False),
    "乐心组": (12, 55, 78, False, False),
    "童心组": (7, 28, 45, False, False),
    "安心组": (6, 50, 75, False, False),
    "齐心组": (8, 40, 78, False, True),
}
GROUP_YEARS = 6  # the groups were set up this many years ago; members joined since


def _branch_secretaries_write(branches: list[PartyBranch], today: dt.date) -> None:
    """Each branch's secretary: its longest-standing full member under 70 still living here."""
    for branch in branches:
        secretary = (
            Resident.objects.filter(
                party_branch=branch,
                moved_out__isnull=True,
                party_full_member__isnull=False,
                birth_date__gt=today - dt.timedelta(days=70 * 365),
            )
            .order_by("party_full_member", "pk")
            .first()
        )
        if secretary is not None:
            PartyBranch.objects.filter(pk=branch.pk).update(secretary=secretary)


def _groups_write(
    r: random.Random, community: Community, branches: list[PartyBranch], plans: list[HouseholdPlan], today
) -> dict[str, Group]:
    """六邻汇: six groups, each guided by one branch, with members joining over the years, a few who
    left (some because they moved away), and a leader and deputy among the longest-serving members."""
    people = [(m, p) for p in plans for m in p.members if m.registration != OVERSEAS]
    gone = [
        m
        for p in plans
        for m in p.former
        if m.registration != OVERSEAS and m.moved_out and m.moved_out > today - dt.timedelta(days=365 * 4)
    ]
    founded = today - dt.timedelta(days=365 * GROUP_YEARS)
    rows, posts = [], []
    for (name, purpose), branch in zip(GROUPS, branches, strict=True):
        size = GROUP_MEMBERS[name][0]
        pool = [m for m, p in people if _group_fits(name, m, p, today)]
        chosen = r.sample(pool, min(size, len(pool)))
        periods = []  # (person, joined, left)
        for person in chosen:
            start = max(person.moved_in or founded, founded, _years_after(person.birth, 18))
            periods.append((person, _between(r, start, today - dt.timedelta(days=30)), None))
        # Former members: a few who stepped down, and people who moved away while members.
        others = [m for m in pool if m not in chosen]
        for person in r.sample(others, min(len(others), r.randint(1, 3))):
            start = max(person.moved_in or founded, founded, _years_after(person.birth, 18))
            if start >= today - dt.timedelta(days=400):
                continue  # too new here to have come and gone already
            joined = _between(r, start, today - dt.timedelta(days=400))
            periods.append(
                (person, joined, _between(r, joined + dt.timedelta(days=180), today - dt.timedelta(days=60)))
            )
        movers = [
            m for m in gone if _group_fits(name, m, None, today) and m.moved_in and m.moved_in < m.moved_out
        ]
        for person in r.sample(movers, min(len(movers), r.randint(0, 2))):
            joined = _between(r, max(person.moved_in, founded), person.moved_out - dt.timedelta(days=1))
            if joined < person.moved_out:
                periods.append((person, joined, person.moved_out))
        # One long-standing member who left for a while and came back: two periods, no overlap.
        if chosen and r.random() < 0.5:
            back = chosen[-1]
            first = max(back.moved_in or founded, founded, _years_after(back.birth, 18))
            rejoined = next(j for p, j, left in periods if p is back and left is None)
            if (rejoined - first).days > 400:
                left = _between(r, first + dt.timedelta(days=120), rejoined - dt.timedelta(days=30))
                periods.append((back, _between(r, first, left - dt.timedelta(days=90)), left))
        current = sorted((j, i, p) for i, (p, j, left) in enumerate(periods) if left is None)
        leader = current[0][2] if current else None
        deputy = current[1][2] if len(current) > 1 else None
        rows.append(
            Group(
                community=community,
                name=name,
                purpose=purpose,
                branch=branch,
                leader_id=leader.row.pk if leader else None,
                deputy_id=deputy.row.pk if deputy else None,
            )
        )
        posts.append(periods)
    groups = Group.objects.bulk_create(rows)
    GroupMember.objects.bulk_create(
        [
            GroupMember(
                community=community, group=group, resident_id=person.row.pk, joined_on=joined, left_on=left
            )
            for group, periods in zip(groups, posts, strict=True)
            for person, joined, left in periods
        ],
        batch_size=BATCH_SIZE,
    )
    return {g.name: g for g in groups}


def _group_fits(name: str, person: Person, plan: HouseholdPlan | None, today: dt.date) -> bool:
    """Whether `person` is the kind of member the group draws (GROUP_MEMBERS); `plan` None: moved away."""
    _, youngest, oldest, party, upper = GROUP_MEMBERS[name]
    return (
        youngest <= person.age(today) <= oldest
        and (not party or bool(person.party_joined))
        and (not upper or plan is None or plan.flat.floor >= 4)
    )


# Names some building groups chose for themselves (宝虹家园's model corridor was 和美楼).
BUILDING_GROUP_NAMES = ("和美楼", "睦邻楼", "暖阳楼", "同心楼", "康乐楼", "书香楼")


def _building_groups_write(
    r: random.Random,
    cid: int,
    buildings: list[Building],
    entrances: list[Entrance],
    plans: list[HouseholdPlan],
    today: dt.date,
) -> None:
    """One building group (楼组) per building, led by a resident of it (party members and people in their
    fifties to seventies most often), a deputy, a chosen name for a few, and a lift trio (楼道加梯三人组)
    in about a quarter of the walk-ups without lifts — people from the upper floors, who need it most."""
    living: dict[int, list[tuple[Person, HouseholdPlan]]] = {}
    for plan in plans:
        for person in plan.members:
            if person.registration != OVERSEAS and 18 <= person.age(today) <= 80:
                living.setdefault(plan.flat.building_id, []).append((person, plan))
    walkups = {e.building_id for e in entrances if not e.has_lift}
    named = set(r.sample(range(len(buildings)), min(len(BUILDING_GROUP_NAMES), len(buildings) // 6)))
    names = iter(r.sample(BUILDING_GROUP_NAMES, len(BUILDING_GROUP_NAMES)))
    groups, trios = [], []
    for index, building in enumerate(buildings):
        candidates = living.get(building.pk, [])
        weights = [
            (3 if person.party_joined else 1) * (3 if 50 <= person.age(today) <= 75 else 1)
            for person, _ in candidates
        ]
        leader = deputy = None
        if candidates:
            leader = r.choices(candidates, weights=weights)[0][0]
            rest = [(p, w) for (p, _), w in zip(candidates, weights, strict=True) if p is not leader]
            if rest:
                deputy = r.choices([p for p, _ in rest], weights=[w for _, w in rest])[0]
        group = BuildingGroup(
            community_id=cid,
            building_id=building.pk,
            name=next(names) if index in named else "",
            leader_id=leader.row.pk if leader else None,
            deputy_id=deputy.row.pk if deputy else None,
        )
        groups.append(group)
        upper = [p for p, plan in candidates if plan.flat.floor >= 3 and 40 <= p.age(today) <= 75]
        if building.pk in walkups and len(upper) >= 3 and r.random() < 0.25:
            trios.append((group, r.sample(upper, 3)))
    BuildingGroup.objects.bulk_create(groups, batch_size=BATCH_SIZE)
    LiftTrioMember.objects.bulk_create(
        [
            LiftTrioMember(community_id=cid, building_group=group, resident_id=person.row.pk, seat=seat)
            for group, people in trios
            for seat, person in enumerate(people, start=1)
        ],
        batch_size=BATCH_SIZE,
    )


# --------------------------------------------------------------------------------------------------
# Demo accounts


def demo_users_create(build: CommunityBuild, *, today: dt.date | None = None) -> list[str]:
    """One account per role for the demo community (see demo_logins), all with DEMO_PASSWORD.

    Accounts that already exist are left alone, so a second run adds nothing. Display names are the
    names of generated residents where the role is a resident's (building leader, group leader …).
    """
    if User.objects.filter(username="shuji").exists():
        return []
    community = build.community
    password = make_password(DEMO_PASSWORD)
    r = random.Random(f"users:{community.name}")
    today = today or dt.date.today()
    number_of = {b.pk: number for number, b in build.buildings.items()}
    in_building: dict[str, list[HouseholdPlan]] = {}
    for plan in build.plans:
        in_building.setdefault(number_of[plan.flat.building_id], []).append(plan)

    def living(numbers: Iterable[str], youngest: int, oldest: int) -> list[Person]:
        return [
            m
            for n in numbers
            for p in in_building.get(n, [])
            for m in p.members
            if youngest <= m.age(today) <= oldest and m.id_type == IdType.RESIDENT_ID
        ]

    def random_name(gender: str) -> str:
        return r.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0] + r.choice(_GIVEN[gender])

    elders = (
        [
            p
            for p in in_building.get("1", [])
            if p.head.age(today) >= 65 and p.head.id_type == IdType.RESIDENT_ID and len(p.members) >= 2
        ]
        or [p for p in in_building.get("1", []) if p.head.age(today) >= 60]
        or in_building.get("1", [])
    )
    home = elders[0]
    leader = (living(["2", "3"], 50, 68) or living(["1", "2", "3"], 30, 80))[0]
    warm = Group.objects.select_related("leader").get(pk=build.groups["暖心组"].pk)
    volunteer = (
        GroupMember.objects.filter(group=build.groups["初心组"])
        .select_related("resident")
        .order_by("pk")
        .first()
    )

    accounts = {
        "shuji": (f"书记 {random_name(FEMALE)}", [(Role.STAFF, {"community": community})]),
        "ganbu": (f"干部 {random_name(MALE)}", [(Role.STAFF, {"community": community})]),
        # Leaders hold no role of their own: they lead records (linli.core.scope), linked below.
        "louzu": (f"楼组长 {leader.name}", []),
        "nuanxin": (f"暖心组长 {warm.leader.name if warm.leader else random_name(FEMALE)}", []),
        "zhiyuan": (
            f"志愿者 {volunteer.resident.name if volunteer else random_name(MALE)}",
            [(Role.VOLUNTEER, {"community": community})],
        ),
        "jumin": (
            f"居民 {home.head.name}",
            [(Role.RESIDENT, {"community": community, "household": home.row})],
        ),
        "jiedao": (f"街道 {random_name(MALE)}", [(Role.STREET_OFFICER, {"street": community.street})]),
        "admin": ("系统管理员", []),
    }
    created = []
    for username, (display_name, roles) in accounts.items():
        if User.objects.filter(username=username).exists():
            continue
        superuser = username == "admin"
        user = User.objects.create(
            username=username,
            display_name=display_name,
            password=password,
            is_staff=superuser,
            is_superuser=superuser,
        )
        for role, place in roles:
            Membership.objects.create(user=user, role=role, **place)
        if username == "louzu":
            _lead_buildings(user, leader.row, [build.buildings[n] for n in ("1", "2", "3")])
        elif username == "nuanxin" and warm.leader_id:
            Resident.objects.filter(pk=warm.leader_id).update(user=user)
        created.append(username)
    return created


def _lead_buildings(user: User, person: Resident, buildings: list[Building]) -> None:
    """`person` (louzu's own record) leads the building groups of `buildings`; whoever led them before
    becomes the deputy, unless they were it already."""
    Resident.objects.filter(pk=person.pk).update(user=user)
    for group in BuildingGroup.objects.filter(building__in=buildings, entrance__isnull=True):
        if group.leader_id == person.pk:
            continue
        deputy = (
            group.leader_id if group.deputy_id == person.pk or group.deputy_id is None else group.deputy_id
        )
        BuildingGroup.objects.filter(pk=group.pk).update(leader_id=person.pk, deputy_id=deputy)
