"""Casting ballots: by whom and how (online by the voter, paper and proxy by staff, doorstep by those whose
scope covers the voter), within the open period only, one per voter; after the close nothing changes and
every attempt is refused in Chinese and logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation import services_votes as services
from linli.deliberation.models import Answer, Ballot, Consultation, VoteAttemptLog
from tests.factories import grant
from tests.test_votes_support import answers_for, link_user, opened, photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _voter(c, resident):
    return c.voters.get(resident=resident)


def test_online_by_the_voter_themselves_only(world):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    ballot = services.ballot_cast(
        actor=world.resident,
        consultation=c,
        voter=_voter(c, world.zhao),
        answers=answers_for(c),
        method="online",
    )
    assert ballot.method == "online" and ballot.recorded_by == world.resident
    assert Answer.objects.filter(ballot=ballot).count() == 2
    for actor in (world.staff, world.resident, world.building_leader):
        with pytest.raises(DomainError, match="本人"):
            services.ballot_cast(
                actor=actor,
                consultation=c,
                voter=_voter(c, world.qian),
                answers=answers_for(c),
                method="online",
            )


def test_paper_ballot_entered_by_staff_needs_a_real_photo(world):
    c = opened(world, buildings=[world.building_1])
    voter = _voter(c, world.sun)
    with pytest.raises(DomainError, match="照片|上传"):
        services.ballot_cast(
            actor=world.staff, consultation=c, voter=voter, answers=answers_for(c), method="paper"
        )
    with pytest.raises(DomainError, match="照片"):
        services.ballot_cast(
            actor=world.staff,
            consultation=c,
            voter=voter,
            answers=answers_for(c),
            method="paper",
            photo=photo("x.png", b"MZ\x90\x00 not an image at all"),
        )
    big = photo("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024))
    with pytest.raises(DomainError, match="10MB"):
        services.ballot_cast(
            actor=world.staff, consultation=c, voter=voter, answers=answers_for(c), method="paper", photo=big
        )
    with pytest.raises(DomainError, match="工作人员"):
        services.ballot_cast(
            actor=world.building_leader,
            consultation=c,
            voter=voter,
            answers=answers_for(c),
            method="paper",
            photo=photo(),
        )
    assert not Ballot.objects.exists()
    ballot = services.ballot_cast(
        actor=world.staff, consultation=c, voter=voter, answers=answers_for(c), method="paper", photo=photo()
    )
    assert ballot.photo.name.startswith("votes/ballots/") and ballot.recorded_by == world.staff


def test_proxy_needs_name_and_written_authorisation(world):
    c = opened(world, buildings=[world.building_1])
    voter = _voter(c, world.sun)
    with pytest.raises(DomainError, match="受托人"):
        services.ballot_cast(
            actor=world.staff, consultation=c, voter=voter, answers=answers_for(c), method="proxy"
        )
    with pytest.raises(DomainError, match="委托书"):
        services.ballot_cast(
            actor=world.staff,
            consultation=c,
            voter=voter,
            answers=answers_for(c),
            method="proxy",
            proxy_name="孙小明",
            proxy_document=photo("a.txt", b"hello"),
        )
    pdf = photo("auth.pdf", b"%PDF-1.4\n...")
    ballot = services.ballot_cast(
        actor=world.staff,
        consultation=c,
        voter=voter,
        answers=answers_for(c),
        method="proxy",
        proxy_name="孙小明",
        proxy_document=pdf,
    )
    assert ballot.proxy_name == "孙小明" and ballot.proxy_document.name


def test_doorstep_only_for_voters_in_the_recorders_scope(world):
    c = opened(world)  # the whole community: buildings 1 and 2
    # 孙奶奶 leads building 1: she may record 赵阿姨's form at her door, not 周阿婆's in building 2.
    services.ballot_cast(
        actor=world.building_leader,
        consultation=c,
        voter=_voter(c, world.zhao),
        answers=answers_for(c),
        method="doorstep",
        photo=photo(),
    )
    with pytest.raises(DomainError, match="上门代填"):
        services.ballot_cast(
            actor=world.building_leader,
            consultation=c,
            voter=_voter(c, world.zhou),
            answers=answers_for(c),
            method="doorstep",
            photo=photo(),
        )
    # A plain volunteer holds no one's data, so records no one's ballot.
    with pytest.raises(DomainError, match="上门代填"):
        services.ballot_cast(
            actor=world.volunteer,
            consultation=c,
            voter=_voter(c, world.qian),
            answers=answers_for(c),
            method="doorstep",
            photo=photo(),
        )
    # The 暖心组 leader (李大爷) may record for its members — himself included.
    services.ballot_cast(
        actor=world.group_leader,
        consultation=c,
        voter=_voter(c, world.li),
        answers=answers_for(c),
        method="doorstep",
        photo=photo(),
    )


def test_answers_must_fit_the_questions(world):
    c = opened(world, buildings=[world.building_1])
    voter = _voter(c, world.sun)
    good = answers_for(c)
    q1, q2 = list(good)
    bad_cases = [
        ({q1: good[q1]}, "请回答第2题"),
        ({q1: good[q1], q2: good[q1]}, "第2题的选项无效"),  # a choice of another question
        ({q1: good[q1] + [good[q1][0] + 1], q2: good[q2]}, "只能选一项"),
        ({q1: good[q1], q2: good[q2], 99999: good[q2]}, "不属于"),
        ({q1: ["abc"], q2: good[q2]}, "选项无效"),
    ]
    for answers, message in bad_cases:
        with pytest.raises(DomainError, match=message):
            services.ballot_cast(
                actor=world.staff, consultation=c, voter=voter, answers=answers, method="paper", photo=photo()
            )
    assert not Ballot.objects.exists()


def test_one_ballot_per_voter_second_refused_and_logged(world):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    voter = _voter(c, world.zhao)
    services.ballot_cast(
        actor=world.resident, consultation=c, voter=voter, answers=answers_for(c), method="online"
    )
    with pytest.raises(DomainError, match="已经投过票"):
        services.ballot_cast(
            actor=world.staff,
            consultation=c,
            voter=voter,
            answers=answers_for(c, favour=False),
            method="paper",
            photo=photo(),
        )
    assert Ballot.objects.filter(voter=voter).count() == 1
    assert (
        VoteAttemptLog.objects.filter(consultation=c, voter=voter, reason__contains="已经投过票").count() == 1
    )


def test_not_before_opening_nor_after_the_deadline(world):
    from tests.test_votes_support import make_consultation

    draft = make_consultation(world)
    with pytest.raises(DomainError, match="尚未开始"):
        services.ballot_cast(actor=world.staff, consultation=draft, voter=None, answers={}, method="paper")
    c = opened(world, buildings=[world.building_1])
    Consultation.objects.filter(pk=c.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1), opens_at=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(DomainError, match="截止时间"):
        services.ballot_cast(
            actor=world.staff,
            consultation=c,
            voter=_voter(c, world.sun),
            answers=answers_for(c),
            method="paper",
            photo=photo(),
        )


def test_after_close_every_ballot_is_immutable_refused_and_logged(world):
    c = opened(world, buildings=[world.building_1])
    voted = _voter(c, world.sun)
    ballot = services.ballot_cast(
        actor=world.staff, consultation=c, voter=voted, answers=answers_for(c), method="paper", photo=photo()
    )
    before = list(
        Answer.objects.filter(ballot=ballot).values_list("choice_id", flat=True).order_by("choice_id")
    )
    services.consultation_close(actor=world.staff, consultation=c)
    link_user(world.zhao, world.resident)
    attempts = [
        (world.staff, voted, "paper"),  # change a cast ballot
        (world.staff, _voter(c, world.qian), "paper"),  # a late paper ballot
        (world.resident, _voter(c, world.zhao), "online"),  # a late online ballot
    ]
    for actor, voter, method in attempts:
        with pytest.raises(DomainError, match="表决已经结束"):
            services.ballot_cast(
                actor=actor,
                consultation=c,
                voter=voter,
                answers=answers_for(c, favour=False),
                method=method,
                photo=photo(),
            )
    with pytest.raises(DomainError, match="表决已经结束"):
        services.ballot_change_refused(actor=world.staff, ballot=ballot)
    assert Ballot.objects.filter(consultation=c).count() == 1
    after = list(
        Answer.objects.filter(ballot=ballot).values_list("choice_id", flat=True).order_by("choice_id")
    )
    assert before == after
    log = VoteAttemptLog.objects.filter(consultation=c)
    assert log.count() == 4
    assert {row.user_id for row in log} == {world.staff.pk, world.resident.pk}
    with pytest.raises(DomainError, match="只有进行中"):
        services.consultation_close(actor=world.staff, consultation=c)


def test_close_only_by_staff_of_the_community(world):
    c = opened(world, buildings=[world.building_1])
    grant(world.outsider, "volunteer", community=world.community)
    for actor in (world.outsider, world.building_leader, world.resident):
        with pytest.raises(DomainError):
            services.consultation_close(actor=actor, consultation=c)
    assert Consultation.objects.get(pk=c.pk).status == "open"
    history = Consultation.history.filter(id=c.pk).order_by("history_date")
    statuses = [h.status for h in history]  # the buildings' m2m adds a draft row of its own
    assert statuses[0] == "draft" and statuses[-1] == "open" and statuses.count("open") == 1
