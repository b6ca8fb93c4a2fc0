"""Scope-matrix samples for the lift board's flat pages (`flat_id`): a flat of building 1 (staff and its
building leader), one of building 2 (staff), one in the neighbouring community (its staff, the outsider)
and one in the far community (nobody). A flat outside the project's entrance is a 404 whatever the role."""


def samples(world) -> dict:
    return {
        "flat_id": [
            (world.flat_101, {"staff", "building_leader"}),
            (world.flat_201, {"staff"}),
            (world.wu.household.flat, {"outsider"}),
            (world.zheng.household.flat, set()),
        ]
    }
