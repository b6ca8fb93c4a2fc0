"""The caller's own account over JSON: who am I, which roles do I hold, where."""

from ninja import Router, Schema

from linli.api.schemas import error_responses
from linli.core.models import Membership

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
    user = request.auth
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("street", "community", "group")
        .prefetch_related("buildings")
        .order_by("pk")
    )
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": str(user),
        "roles": [
            {
                "role": m.role,
                "role_label": m.get_role_display(),
                "street": _place(m.street),
                "community": _place(m.community),
                "buildings": [_place(b) for b in m.buildings.all()],
                "group": _place(m.group),
                "household_id": m.household_id,
            }
            for m in memberships
        ],
    }
