"""The demo's meetings: a held building council with everything filled in, and a planned community meeting."""

import datetime as dt

from linli.deliberation import demo_meetings
from linli.deliberation.models import Meeting
from linli.deliberation.thresholds import residents_meeting_passes


def test_demo_builds_a_held_council_and_a_planned_community_meeting(world):
    demo_meetings.build(world.community, today=dt.date(2026, 4, 10), seed=1)
    council = Meeting.objects.get(level="building")
    assert council.status == "held" and list(council.buildings.all()) == [world.building_1]
    assert council.agenda_items.count() == 3 and council.minutes.approved
    assert council.invitees.count() == 2  # one per household of building 1: 赵阿姨's and 孙奶奶's
    assert 1 <= council.attendances.count() <= 2
    r = council.resolutions.get()
    assert (
        r.passed
        == residents_meeting_passes(entitled=r.entitled, present=r.present, in_favour=r.votes_for).passed
    )
    assert council.tasks.count() == 2
    assert Meeting.objects.get(level="community").status == "planned"
