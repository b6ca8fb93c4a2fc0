"""The caller's own account over JSON: who am I, which roles do I hold, where."""

from django.apps import apps
from ninja import Router, Schema

from linli.api.schemas import error_responses
from linli.core.models import Membership, Role
from linli.core.scope import scope_for

router = Router(tags=["me"])


class PlaceOut(Schema):
    id: int
    name: str


class RoleOut(Schema):
    role: str
    role_label: str
    street: PlaceOut | None
    community: PlaceOut | None
    buildings: list[PlaceOut]
    group: PlaceOut | None
    household_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[RoleOut]


def _place(obj) -> dict | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


@router.get("/me", response={200: MeOut, **error_responses(401)}, summary="我的账户和角色")
def me(request):
    """Granted roles (memberships), then the roles that follow from what the user leads: one entry per
    community for the buildings of their building groups (楼组), one per group (linli.core.scope)."""
    user = request.auth
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("street", "community")
        .order_by("pk")
    )
    roles = [
        {
            "role": m.role,
            "role_label": m.get_role_display(),
            "street": _place(m.street),
            "community": _place(m.community),
            "buildings": [],
            "group": None,
            "household_id": m.household_id,
        }
        for m in memberships
    ]
    scope = scope_for(user)
    if scope.buildings:
        building = apps.get_model("registry", "Building")
        by_community: dict[int, list] = {}
        for b in building.objects.filter(pk__in=scope.buildings).order_by(
            "community_id", "sort_key", "number"
        ):
            by_community.setdefault(b.community_id, []).append(_place(b))
        roles += [
            _derived(Role.BUILDING_LEADER, scope, c, buildings=places) for c, places in by_community.items()
        ]
    if scope.groups:
        group = apps.get_model("organizing", "Group")
        roles += [
            _derived(Role.GROUP_LEADER, scope, g.community_id, group=_place(g))
            for g in group.objects.filter(pk__in=scope.groups).order_by("community_id", "name")
        ]
    return {"id": user.pk, "username": user.get_username(), "display_name": str(user), "roles": roles}


def _derived(role: Role, scope, community_id: int, *, buildings=(), group=None) -> dict:
    return {
        "role": role.value,
        "role_label": str(role.label),
        "street": None,
        "community": _place(scope.communities.get(community_id)),
        "buildings": list(buildings),
        "group": group,
        "household_id": None,
    }
