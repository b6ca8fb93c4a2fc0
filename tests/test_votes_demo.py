"""The demo's votes: an open residents' consultation with some ballots, and a closed owners' vote whose
tally adds up exactly."""

import datetime as dt
from fractions import Fraction

from django.utils import timezone

from linli.deliberation import demo_votes
from linli.deliberation import selectors_votes as selectors
from linli.deliberation.models import Consultation
from tests.test_votes_support import own


def test_demo_builds_an_open_consultation_and_a_closed_owners_vote(world):
    own(world.flat_201, "王业主")
    own(world.flat_202, "陈业主", share=(1, 2))
    own(world.flat_202, "林业主", share=(1, 2))
    demo_votes.build(world.community, today=timezone.localdate(), seed=3)
    open_ = Consultation.objects.get(status="open")
    assert open_.electorate == "residents" and open_.voters.exists()
    assert open_.ballots.count() <= open_.voters.count()
    assert not set(open_.ballots.values_list("voter__consultation_id", flat=True)) - {open_.pk}
    lift = Consultation.objects.get(status="closed")
    assert lift.electorate == "owners" and lift.voters.count() == 3
    result = selectors.compute_tally(lift)
    assert result.entitled_weight == Fraction(5630 * 2, 100)  # two flats of 56.30 m², shares summing to 1
    q = result.questions[0]
    assert sum(c.votes for c in q.choices) == result.cast
    assert sum((c.weight for c in q.choices), Fraction(0)) == result.cast_weight
    assert lift.ballots.filter(cast_at__gt=lift.closed_at).count() == 0
    assert lift.closes_at < timezone.now() + dt.timedelta(seconds=1)
