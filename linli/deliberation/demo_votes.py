"""Demo data of consultations and votes: an open residents' consultation on building 1's hallway clutter
(the building of the demo resident `jumin`, who can then vote from the portal)
with some ballots in, and a closed owners' vote on a lift (weighted by area) with its result. Synthetic
people only (the demo registry's).

Called once per demo community by `linli.registry.demo` (`build`). The demo accounts do not exist yet, so
the rows are written directly with `bulk_create` (seed data, not a change anyone made: no history rows);
the electorate comes from the same function `consultation_open` uses, so it is exactly what opening would
fix. Ballots are paper ballots entered by the committee; their photo is one synthetic image (a blank form
marked as a demo, made once and saved through the default storage), so the staff's photo links open.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zlib
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from linli.core.models import Community
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
    Voter,
    Weighting,
)
from linli.deliberation.services_votes import electorate_rows
from linli.registry.models import Building

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _questions(community, consultation, specs) -> list[tuple[Question, list[Choice]]]:
    out = []
    for position, (text, kind, choices) in enumerate(specs, start=1):
        q = Question.objects.create(
            community=community, consultation=consultation, position=position, text=text, kind=kind
        )
        rows = Choice.objects.bulk_create(
            Choice(community=community, question=q, position=i, text=t, in_favour=f)
            for i, (t, f) in enumerate(choices, start=1)
        )
        out.append((q, rows))
    return out


APPROVE = [("同意", True), ("不同意", False), ("弃权", False)]

# One image for every demo ballot: the demo casts hundreds of paper ballots, and a file each would only
# slow the build and fill the media directory with copies. Saved once; later builds reuse it.
DEMO_PHOTO_NAME = "votes/demo/ballot-demo.png"
DEMO_PHOTO_SIZE = (400, 300)
PAPER = (250, 248, 240)
INK = (40, 40, 40)
# CJK fonts are often missing on servers; the title falls back to ASCII then.
_CJK_FONTS = ("NotoSansCJK-Regular.ttc", "NotoSansSC-Regular.otf", "wqy-microhei.ttc", "msyh.ttc")


def plain_png(width: int, height: int, colour: tuple[int, int, int] = PAPER) -> bytes:
    """A valid one-colour PNG without Pillow (not a declared dependency): the demo must build anywhere."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(colour) * width  # filter byte 0, then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def demo_photo_bytes() -> bytes:
    """A 400×300 PNG of a blank ballot form stamped as a demo: "表决票（演示）" where a CJK font is
    installed, "DEMO BALLOT" otherwise; a plain sheet when Pillow is missing."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return plain_png(*DEMO_PHOTO_SIZE)
    width, height = DEMO_PHOTO_SIZE
    image = Image.new("RGB", DEMO_PHOTO_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle([8, 8, width - 9, height - 9], outline=INK, width=3)
    title, font = "DEMO BALLOT", None
    for name in _CJK_FONTS:
        try:
            font, title = ImageFont.truetype(name, 30), "表决票（演示）"
            break
        except OSError:
            continue
    if font is None:
        try:
            font = ImageFont.load_default(size=30)
        except (TypeError, ImportError, OSError):  # old Pillow, or no FreeType: the small bitmap font
            font = ImageFont.load_default()
    draw.text((width // 2, 70), title, fill=INK, font=font, anchor="mm")
    for y in (130, 170, 210):  # the lines a voter would tick and sign on
        draw.line([(60, y), (width - 60, y)], fill=(150, 150, 150), width=1)
    draw.text((60, 240), "SYNTHETIC - NOT A REAL VOTE", fill=(160, 30, 30))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def demo_photo_name() -> str:
    """The stored demo photo's name, saving it through the default storage the first time."""
    if default_storage.exists(DEMO_PHOTO_NAME):
        return DEMO_PHOTO_NAME
    return default_storage.save(DEMO_PHOTO_NAME, ContentFile(demo_photo_bytes()))


def _ballots(community, consultation, voters, questions, r, turnout, favour) -> None:
    chosen = [v for v in voters if r.random() < turnout]
    photo = demo_photo_name() if chosen else ""
    ballots = Ballot.objects.bulk_create(
        Ballot(
            community=community,
            consultation=consultation,
            voter=v,
            method=BallotMethod.PAPER if r.random() < 0.7 else BallotMethod.DOORSTEP,
            photo=photo,
        )
        for v in chosen
    )
    answers = []
    for b in ballots:
        for q, choices in questions:
            if q.kind == QuestionKind.APPROVE:
                roll = r.random()
                pick = (
                    choices[0]
                    if roll < favour
                    else choices[1]
                    if roll < favour + (1 - favour) * 0.7
                    else choices[2]
                )
            else:
                pick = r.choice(choices)
            answers.append(
                Answer(community=community, ballot=b, question=q, choice=pick, exclusive=q.exclusive)
            )
    Answer.objects.bulk_create(answers, batch_size=1000)


def build(community: Community, *, today: dt.date, seed: int = 0) -> None:
    r = random.Random(f"{seed}:votes:{community.name}")
    buildings = list(Building.objects.filter(community=community).order_by("sort_key", "number"))
    if not buildings:
        return
    hallway_building = next((b for b in buildings if b.number in ("1", "1号")), buildings[0])

    # An open consultation: the residents of building 1 (the demo resident's) on clearing its hallways.
    hallway = Consultation.objects.create(
        community=community,
        title=f"{hallway_building}楼道堆物整治方案意见征询",
        description="楼组议事会提出的整治方案：各户一周内自行清理楼道堆物，逾期由志愿者协助统一清运。请各位居民发表意见。",
        electorate=Electorate.RESIDENTS,
        weighting=Weighting.HEADCOUNT,
        threshold="simple_majority",
        opens_at=_at(today - dt.timedelta(days=3), 9),
        closes_at=_at(today + dt.timedelta(days=11), 18),
        status=ConsultationStatus.OPEN,
        opened_at=_at(today - dt.timedelta(days=3), 9),
    )
    hallway.buildings.set([hallway_building])
    questions = _questions(
        community,
        hallway,
        [
            ("是否同意楼道堆物整治方案？", QuestionKind.APPROVE, APPROVE),
            ("统一清运安排在哪一天？", QuestionKind.SINGLE, [("周六上午", False), ("周日上午", False)]),
        ],
    )
    voters = Voter.objects.bulk_create(electorate_rows(hallway, today=today))
    _ballots(community, hallway, voters, questions, r, turnout=0.4, favour=0.8)

    # A closed owners' vote on a lift, by number and by area (民法典 art. 278).
    lift_building = buildings[-1] if len(buildings) > 1 else hallway_building
    closed_on = today - dt.timedelta(days=16)
    lift = Consultation.objects.create(
        community=community,
        title=f"{lift_building}加装电梯业主表决",
        description="加装电梯方案、费用分摊方案见公示。请各位业主表决。",
        electorate=Electorate.OWNERS,
        weighting=Weighting.AREA,
        threshold="owners_major_matter",
        opens_at=_at(closed_on - dt.timedelta(days=14), 9),
        closes_at=_at(closed_on, 18),
        status=ConsultationStatus.CLOSED,
        opened_at=_at(closed_on - dt.timedelta(days=14), 9),
        closed_at=_at(closed_on, 18),
    )
    lift.buildings.set([lift_building])
    questions = _questions(
        community, lift, [("是否同意加装电梯方案及费用分摊方案？", QuestionKind.APPROVE, APPROVE)]
    )
    voters = Voter.objects.bulk_create(electorate_rows(lift, today=closed_on - dt.timedelta(days=14)))
    _ballots(community, lift, voters, questions, r, turnout=0.9, favour=0.85)
    Ballot.objects.filter(consultation=lift).update(cast_at=_at(closed_on - dt.timedelta(days=2), 15))
