"""Adoption of a convention: staff only, the adopted version fixed (no new drafts after), the resolution
required, and the vote it rests on linked when it is a closed consultation of the same community."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation.models import Consultation
from linli.deliberation.services_conventions import convention_adopt, convention_create, version_add


def _draft(world):
    return convention_create(
        actor=world.staff,
        community=world.community,
        title="公约",
        text="一、爱护公物。",
        buildings=[world.building_1],
    )


def _consultation(community, status):
    now = timezone.now()
    return Consultation.objects.create(
        community=community,
        title="公约表决",
        opens_at=now - dt.timedelta(days=3),
        closes_at=now,
        status=status,
        opened_at=now - dt.timedelta(days=3),
        closed_at=now if status == "closed" else None,
    )


def test_adopted_by_a_closed_vote_and_then_fixed(world):
    convention = _draft(world)
    version = convention.versions.get()
    vote = _consultation(world.community, "closed")
    convention_adopt(
        actor=world.staff,
        convention=convention,
        version=version,
        adopted_on=dt.date(2026, 1, 5),
        resolution="表决通过",
        consultation=vote,
    )
    convention.refresh_from_db()
    assert convention.is_adopted and convention.consultation == vote and convention.adopted_version == version
    with pytest.raises(DomainError, match="不能再修改正文"):
        version_add(actor=world.staff, convention=convention, text="一、爱护公物。二、新增。")
    with pytest.raises(DomainError, match="已经通过"):
        convention_adopt(
            actor=world.staff,
            convention=convention,
            version=version,
            adopted_on=dt.date(2026, 1, 5),
            resolution="再次",
        )


@pytest.mark.parametrize("case", ["open_vote", "other_community", "no_resolution", "future", "leader"])
def test_adoption_refused(world, case):
    convention = _draft(world)
    kwargs = {
        "actor": world.staff,
        "convention": convention,
        "version": convention.versions.get(),
        "adopted_on": dt.date(2026, 1, 5),
        "resolution": "决议",
    }
    if case == "open_vote":
        kwargs["consultation"] = _consultation(world.community, "open")
    elif case == "other_community":
        kwargs["consultation"] = _consultation(world.neighbour, "closed")
    elif case == "no_resolution":
        kwargs["resolution"] = "  "
    elif case == "future":
        kwargs["adopted_on"] = timezone.localdate() + dt.timedelta(days=1)
    else:
        kwargs["actor"] = world.building_leader
    with pytest.raises(DomainError):
        convention_adopt(**kwargs)
    convention.refresh_from_db()
    assert not convention.is_adopted
