"""Who may reveal which sensitive field (registry.reveal_resident, privacy.may_reveal): staff of the
resident's community both fields, a building leader only the phone of their buildings' residents, nobody
else anything — a superuser included."""

import pytest

from linli.registry.privacy import may_reveal, revealable_fields


@pytest.mark.parametrize(
    ("role", "resident", "field", "allowed"),
    [
        ("staff", "zhao", "id_number", True),
        ("staff", "zhao", "phone", True),
        ("staff", "li", "id_number", True),  # building 2: the whole community
        ("building_leader", "zhao", "phone", True),
        ("building_leader", "zhao", "id_number", False),
        ("building_leader", "li", "phone", False),  # not their building
        ("group_leader", "li", "phone", False),
        ("group_leader", "li", "id_number", False),
        ("volunteer", "zhao", "phone", False),
        ("resident", "zhao", "phone", False),  # their own household: masked like everyone else
        ("resident", "zhao", "id_number", False),
        ("street_officer", "zhao", "phone", False),
        ("outsider", "zhao", "id_number", False),
        ("outsider", "wu", "id_number", True),  # staff of the neighbouring community, for its people
        ("superuser", "zhao", "id_number", False),
        ("staff", "zhao", "notes", False),  # only the two revealable fields exist
        ("staff", "zhao", "", False),
    ],
)
def test_may_reveal(world, role, resident, field, allowed):
    user, person = getattr(world, role), getattr(world, resident)
    assert may_reveal(user, person, field) is allowed
    if role != "superuser":  # has_perm lets an active superuser do anything; may_reveal does not
        assert user.has_perm("registry.reveal_resident", (person, field)) is allowed


def test_revealable_fields_leave_out_empty_values(world):
    assert revealable_fields(world.staff, world.zhao) == ["id_number", "phone"]
    assert revealable_fields(world.building_leader, world.zhao) == ["phone"]
    assert revealable_fields(world.staff, world.qian) == []  # nothing registered, nothing to reveal
