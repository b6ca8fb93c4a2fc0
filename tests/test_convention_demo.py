"""The demo's conventions and notices: a building convention adopted in its second draft and partly
signed, a community notice in its period with an objection, an ended notice closed."""

import datetime as dt

from django.utils import timezone

from linli.deliberation import demo_conventions
from linli.deliberation.models import Convention, Notice, Objection
from linli.deliberation.selectors_conventions import signature_coverage


def test_demo_builds_the_three_situations(world):
    summary = demo_conventions.build(world.community, today=dt.date(2026, 3, 1), seed=1)
    convention = Convention.objects.get(pk=summary["convention"])
    assert convention.is_adopted and convention.adopted_version.number == 2
    coverage = signature_coverage(world.staff, convention)
    assert sum(c.signed for c in coverage) == summary["signed"] < summary["households"]
    now = timezone.now()
    running = Notice.objects.get(community=world.community, ends_at__gt=now)
    assert running.starts_at < now and Objection.objects.filter(notice=running).exists()
    assert Notice.objects.filter(community=world.community, closed_at__isnull=False).count() == 1
