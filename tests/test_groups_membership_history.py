"""Group membership over time: periods with joining and leaving dates, kept when a member leaves, with
a history of every change; the same person's periods in one group never overlap (the database refuses
two open periods, two periods from one day and a leaving date before the joining date; the service
refuses overlapping past periods), each refusal a clear Chinese message that saves nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.organizing.models import GroupMember
from linli.organizing.services_groups import group_member_add, group_member_end, periods_overlap

TODAY = dt.date(2026, 6, 1)
D = dt.date


def add(world, resident, joined, left=None, actor=None):
    return group_member_add(
        actor=actor or world.staff,
        group=world.group,
        resident_id=resident.pk,
        joined_on=joined,
        left_on=left,
        today=TODAY,
    )


def periods(world, resident) -> list[tuple]:
    rows = GroupMember.objects.filter(group=world.group, resident=resident).order_by("joined_on")
    return list(rows.values_list("joined_on", "left_on"))


def test_a_member_leaves_and_comes_back_and_every_period_stays(world):
    first = add(world, world.zhou, D(2024, 3, 1))
    group_member_end(actor=world.staff, member=first, left_on=D(2025, 1, 15), today=TODAY)
    add(world, world.zhou, D(2025, 1, 15))  # back the very day she left: the periods touch, not overlap
    assert periods(world, world.zhou) == [(D(2024, 3, 1), D(2025, 1, 15)), (D(2025, 1, 15), None)]
    history = list(GroupMember.history.filter(id=first.pk).order_by("history_date"))
    assert [(h.history_type, h.left_on, h.history_user) for h in history] == [
        ("+", None, world.staff),
        ("~", D(2025, 1, 15), world.staff),
    ]


def test_a_past_member_can_be_put_on_record(world):
    add(world, world.zhou, D(2020, 5, 1), D(2022, 5, 1))
    add(world, world.zhou, D(2023, 1, 1))
    assert periods(world, world.zhou) == [(D(2020, 5, 1), D(2022, 5, 1)), (D(2023, 1, 1), None)]


@pytest.mark.parametrize(
    ("joined", "left"),
    [
        (D(2023, 6, 1), D(2024, 6, 1)),  # ends inside the existing period
        (D(2023, 12, 30), None),  # starts the day before it ends, and runs on
        (D(2021, 1, 1), D(2026, 1, 1)),  # encloses it
        (D(2022, 1, 1), D(2022, 6, 1)),  # inside it
        (D(2022, 1, 1), None),  # starts inside it and runs on
    ],
)
def test_overlapping_periods_are_refused_with_the_period_named(world, joined, left):
    add(world, world.zhou, D(2021, 3, 1), D(2023, 12, 31))
    with pytest.raises(DomainError) as refused:
        add(world, world.zhou, joined, left)
    assert "周阿婆 在2021年03月01日至2023年12月31日已是“暖心组”的成员" in refused.value.message
    assert "不能重叠" in refused.value.message
    assert len(periods(world, world.zhou)) == 1


def test_a_second_open_period_of_a_current_member_is_refused(world):
    with pytest.raises(DomainError, match=r"李大爷 在2024年01月01日起至今已是“暖心组”的成员"):
        add(world, world.li, D(2025, 2, 1))
    assert periods(world, world.li) == [(D(2024, 1, 1), None)]


@pytest.mark.parametrize(
    ("joined", "left", "field", "message"),
    [
        (D(2025, 5, 1), D(2025, 4, 30), "left_on", "离开日期不能早于加入日期。"),
        (D(2026, 7, 1), None, "joined_on", "加入日期不能晚于今天。"),
        (D(2025, 5, 1), D(2026, 7, 1), "left_on", "离开日期不能晚于今天。"),
        (None, None, "joined_on", "请填写加入日期。"),
    ],
)
def test_bad_dates_are_refused_field_by_field(world, joined, left, field, message):
    with pytest.raises(DomainError) as refused:
        add(world, world.zhou, joined, left)
    assert refused.value.errors[field] == [message]
    assert not periods(world, world.zhou)


def test_a_moved_out_resident_cannot_join_but_can_be_recorded_as_past_member(world):
    world.zhou.moved_out = D(2025, 1, 1)
    world.zhou.save()
    with pytest.raises(DomainError) as refused:
        add(world, world.zhou, D(2024, 1, 1))
    assert refused.value.errors["resident"] == ["周阿婆 已迁出，不能再加入团队。"]
    add(world, world.zhou, D(2023, 1, 1), D(2025, 1, 1))


def test_a_resident_of_another_community_cannot_join(world):
    with pytest.raises(DomainError) as refused:
        add(world, world.wu, D(2024, 1, 1))
    assert refused.value.errors["resident"] == ["请选择本居民区的一位居民。"]


def test_only_staff_change_members(world):
    for actor in (world.group_leader, world.building_leader, world.volunteer, world.outsider):
        with pytest.raises(DomainError, match="您的角色不能进行此操作"):
            add(world, world.zhou, D(2024, 1, 1), actor=actor)
    assert not periods(world, world.zhou)


def test_ending_a_period_checks_its_dates_and_the_leaders(world):
    member = add(world, world.zhou, D(2024, 3, 1))
    with pytest.raises(DomainError, match=r"离开日期不能早于加入日期（2024年03月01日）"):
        group_member_end(actor=world.staff, member=member, left_on=D(2024, 2, 1), today=TODAY)
    leader = world.li.group_memberships.get()
    with pytest.raises(DomainError, match="是本团队的组长，请先更换组长"):
        group_member_end(actor=world.staff, member=leader, left_on=D(2025, 2, 1), today=TODAY)
    group_member_end(actor=world.staff, member=member, left_on=D(2025, 2, 1), today=TODAY)
    with pytest.raises(DomainError, match="已于2025年02月01日离开本团队"):
        group_member_end(actor=world.staff, member=member, left_on=D(2025, 3, 1), today=TODAY)


def test_the_database_refuses_what_the_service_would(world):
    """Constraints first: whatever code writes, two open periods, two periods from one day and a leaving
    date before the joining date cannot be stored."""
    rows = {"community": world.community, "group": world.group, "resident": world.li}
    for extra in (
        {"joined_on": D(2025, 1, 1)},  # a second open period
        {"joined_on": D(2024, 1, 1), "left_on": D(2024, 6, 1)},  # the same joining day
        {"joined_on": D(2022, 1, 1), "left_on": D(2021, 1, 1)},  # leaves before joining
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            GroupMember.objects.create(**rows, **extra)


days = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 1, 1))


@given(days, days, days, days, st.booleans(), st.booleans())
def test_overlap_is_sharing_a_day(a, b, c, d, a_open, b_open):
    """The rule against the definition: two periods overlap exactly when some day lies in both, a
    period holding the days from its joining day up to, not including, its leaving day."""
    start_a, end_a = min(a, b), (None if a_open else max(a, b))
    start_b, end_b = min(c, d), (None if b_open else max(c, d))
    horizon = D(2026, 1, 2)

    def days_of(start, end):
        last = end or horizon
        return {start + dt.timedelta(days=i) for i in range((last - start).days)}

    shared = bool(days_of(start_a, end_a) & days_of(start_b, end_b))
    assert periods_overlap(start_a, end_a, start_b, end_b) == shared
    assert periods_overlap(start_b, end_b, start_a, end_a) == shared
