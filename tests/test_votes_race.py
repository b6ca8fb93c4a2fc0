"""Two submissions for the same voter at the same moment (the voter online, staff entering their paper
form): the database's one-ballot-per-voter constraint decides, the loser is told so in Chinese, and the
refusal is logged. Real concurrency needs real transactions on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from linli.core.errors import DomainError
from linli.deliberation import services_votes as services
from linli.deliberation.models import Answer, Ballot, VoteAttemptLog
from tests.test_votes_support import answers_for, link_user, opened, photo

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write (one writer), so it cannot show two transactions racing; "
        "run with DATABASE_URL=postgres://… to exercise the constraint under concurrency",
    ),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_racing_ballots_for_one_voter_one_wins(world, round_):
    c = opened(world, buildings=[world.building_1])
    link_user(world.zhao, world.resident)
    voter = c.voters.get(resident=world.zhao)
    yes, no = answers_for(c, favour=True), answers_for(c, favour=False)
    results = _race(
        [
            lambda: services.ballot_cast(
                actor=world.resident, consultation=c, voter=voter, answers=yes, method="online"
            ),
            lambda: services.ballot_cast(
                actor=world.staff, consultation=c, voter=voter, answers=no, method="paper", photo=photo()
            ),
        ]
    )
    won = [r for r in results if isinstance(r, Ballot)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "已经投过票" in lost[0].message
    assert Ballot.objects.filter(voter=voter).count() == 1
    # The winner's answers only: the loser wrote nothing.
    assert Answer.objects.filter(ballot__voter=voter).count() == 2
    assert VoteAttemptLog.objects.filter(voter=voter, reason__contains="已经投过票").count() == 1


def test_a_ballot_racing_the_close_lands_before_it_or_is_refused(world):
    c = opened(world, buildings=[world.building_1])
    voter = c.voters.get(resident=world.sun)
    results = _race(
        [
            lambda: services.ballot_cast(
                actor=world.staff,
                consultation=c,
                voter=voter,
                answers=answers_for(c),
                method="paper",
                photo=photo(),
            ),
            lambda: services.consultation_close(actor=world.staff, consultation=c),
        ]
    )
    ballot, closed = results
    assert not isinstance(closed, Exception)
    if isinstance(ballot, Ballot):
        assert ballot.cast_at <= closed.closed_at
    else:
        assert isinstance(ballot, DomainError) and "表决已经结束" in ballot.message
        assert not Ballot.objects.filter(consultation=c).exists()
