"""Demo data of the party-building overlay: in-service party members (双报到) reporting to each branch of a
demo community, and identity posts (亮身份) for some of its party members. Synthetic people only.

Called once per demo community by `linli.registry.demo` after its branches and groups are written; reads
what it needs back from the database (a handful of queries) and writes with `bulk_create` (seed data, not
a change anyone made: no history rows), like the registry's demo.

An in-service member keeps their party membership at work, so a resident linked to one is chosen among
working-age residents the registry does not record as party members (the registry's party fields are the
membership the community's branches keep).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from faker.providers.person.zh_CN import Provider as ChineseNames

from linli.core.crypto import keyed_hash
from linli.core.models import Community
from linli.organizing import party
from linli.organizing.models import Group, IdentityPost, InServiceMember
from linli.registry.models import PartyBranch, Resident
from linli.registry.selectors import birth_range_for_age

WORK_UNITS = (
    "区属中学",
    "市级三甲医院",
    "区税务部门",
    "国有能源企业",
    "高校",
    "区人民法院",
    "商业银行支行",
    "建筑设计研究院",
    "区司法局",
    "社区卫生服务中心",
    "区图书馆",
    "轨道交通运营公司",
)
# What in-service members do here, by the group their branch guides (六邻汇).
SERVICES = {
    "初心组": ("每月主题党日参加社区志愿服务", "周末在党群服务站值班"),
    "暖心组": ("结对关爱一户困难家庭，每月上门一次", "陪独居老人就医"),
    "乐心组": ("周末教老人使用智能手机", "指导社区合唱队排练"),
    "童心组": ("寒暑假为社区小先生上科学课", "周末辅导小学生作业"),
    "安心组": ("每月一次法律咨询，参与邻里调解", "为居民讲解防诈骗知识"),
    "齐心组": ("加梯政策宣讲，协助意向征询", "加梯施工期间楼道值守"),
}
DEFAULT_SERVICES = ("参加社区志愿服务",)
POSTS = (
    "楼道堆物巡查岗",
    "垃圾分类督导岗",
    "助老结对岗",
    "加梯协调岗",
    "邻里调解岗",
    "平安巡逻岗",
    "文明宣传岗",
    "党群服务站值班岗",
)
PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "158", "186", "187")
IN_SERVICE_PER_BRANCH = (2, 4)
POSTS_PER_BRANCH = (3, 6)


@dataclass(frozen=True)
class PartyDemo:
    in_service: int
    identity_posts: int
    medal_candidates: int  # this year's, among the community's living members


def _name(r: random.Random) -> str:
    surnames = list(ChineseNames.last_names)
    gender = r.choice(("M", "F"))
    given = ChineseNames.first_names_male if gender == "M" else ChineseNames.first_names_female
    return r.choice(surnames[:100]) + r.choice(list(given))


def build(community: Community, *, today: dt.date | None = None, seed: int | str = 2026) -> PartyDemo:
    """Add in-service members and identity posts to `community`, whose branches, groups and residents are
    already written. Deterministic for a seed."""
    today = today or dt.date.today()
    r = random.Random(f"party:{seed}:{community.name}")
    branches = list(PartyBranch.objects.filter(community=community).order_by("pk"))
    if not branches:
        return PartyDemo(0, 0, 0)
    group_of = {
        g.branch_id: g for g in Group.objects.filter(community=community, branch__isnull=False).order_by("pk")
    }
    current = Resident.objects.filter(community=community, moved_out__isnull=True)
    # Ages as birth-date ranges, so the database hands back only the few hundred people concerned.
    working_age = list(
        current.filter(party_joined__isnull=True, birth_date__range=birth_range_for_age(25, 55, today))
        .order_by("pk")
        .values_list("id", flat=True)
    )
    r.shuffle(working_age)
    members_by_branch: dict[int, list[int]] = {}
    for pk, branch_id in (
        current.filter(
            party_branch__isnull=False,
            party_full_member__lte=today,
            birth_date__range=birth_range_for_age(45, 82, today),
        )
        .order_by("pk")
        .values_list("id", "party_branch_id")
    ):
        members_by_branch.setdefault(branch_id, []).append(pk)

    in_service: list[InServiceMember] = []
    used_phones: set[str] = set()
    for branch in branches:
        group = group_of.get(branch.pk)
        for _ in range(r.randint(*IN_SERVICE_PER_BRANCH)):
            phone = ""
            while not phone or phone in used_phones:
                phone = f"{r.choice(PHONE_PREFIXES)}000{r.randrange(100_000):05d}"
            used_phones.add(phone)
            registered = today - dt.timedelta(days=r.randint(60, 365 * 9))
            left = None
            if r.random() < 0.12:
                left = min(today, registered + dt.timedelta(days=r.randint(180, 900)))
            resident_id = working_age.pop() if working_age and r.random() < 0.35 else None
            in_service.append(
                InServiceMember(
                    community=community,
                    name=_name(r) if resident_id is None else "",
                    phone=phone,  # in clear: the field encrypts in get_prep_value
                    phone_hash=keyed_hash(phone),
                    work_unit=r.choice(WORK_UNITS),
                    resident_id=resident_id,
                    branch=branch,
                    registered_on=registered,
                    left_on=left,
                    services=r.choice(
                        SERVICES.get(group.name, DEFAULT_SERVICES) if group else DEFAULT_SERVICES
                    ),
                    group=group if group and r.random() < 0.7 else None,
                )
            )
    # A linked resident registers under their own name.
    names = dict(
        Resident.objects.filter(pk__in=[m.resident_id for m in in_service if m.resident_id]).values_list(
            "id", "name"
        )
    )
    for member in in_service:
        if member.resident_id:
            member.name = names[member.resident_id]
    in_service = InServiceMember.objects.bulk_create(in_service)

    posts: list[IdentityPost] = []
    for member in in_service:
        if member.left_on is None and r.random() < 0.5:
            posts.append(
                IdentityPost(
                    community=community,
                    in_service=member,
                    post=r.choice(POSTS),
                    started_on=member.registered_on,
                )
            )
    for branch in branches:
        pool = members_by_branch.get(branch.pk, [])
        for resident_id in r.sample(pool, min(len(pool), r.randint(*POSTS_PER_BRANCH))):
            posts.append(
                IdentityPost(
                    community=community,
                    resident_id=resident_id,
                    post=r.choice(POSTS),
                    started_on=today - dt.timedelta(days=r.randint(30, 365 * 4)),
                )
            )
    IdentityPost.objects.bulk_create(posts)

    year = max(today.year, party.MEDAL_FIRST_YEAR)
    window = party.medal_window(year)
    candidates = current.filter(party_full_member__lte=window.until)
    if window.after is not None:
        candidates = candidates.filter(party_full_member__gt=window.after)
    return PartyDemo(
        in_service=len(in_service), identity_posts=len(posts), medal_candidates=candidates.count()
    )
