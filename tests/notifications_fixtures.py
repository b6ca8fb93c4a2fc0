"""Helpers for the jobs and notifications tests: volunteers with duties, and running queued jobs.

Jobs are queued after the transaction commits; inside a test's transaction nothing commits, so each
test runs its jobs inside `django_capture_on_commit_callbacks(execute=True)` (the inline backend of the
tests then runs them, retries included, before the block ends).
"""

import datetime as dt

from django.utils import timezone

from linli.organizing.models import Duty, Volunteer

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 0))  # a Monday morning, Asia/Shanghai


def volunteer_for(world, *, resident=None, user=None, name="", left_on=None, community=None) -> Volunteer:
    return Volunteer.objects.create(
        community=community or world.community,
        resident=resident,
        name=name or (resident.name if resident else "志愿者甲"),
        user=user,
        registered_on=dt.date(2025, 1, 1),
        left_on=left_on,
    )


def duty_for(
    volunteer, *, starts_at, hours=2, group=None, task="楼道巡查", place="2号楼", created_by=None
) -> Duty:
    return Duty.objects.create(
        community=volunteer.community,
        volunteer=volunteer,
        group=group,
        task=task,
        place=place,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        created_by=created_by,
    )
