"""Pages that belong to no domain: the landing redirect, help, and the volunteer's task page.

Core sits below every other app, so these views know the other apps' pages only by URL name.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from linli.core.models import Role
from linli.core.scope import Scope, scope_for

# When a user holds several roles the landing page is the broadest one's: the whole community before a
# part of it, a part of it before the street's figures, those before one household or one's own tasks.
ROLE_ORDER = [
    Role.STAFF,
    Role.BUILDING_LEADER,
    Role.GROUP_LEADER,
    Role.STREET_OFFICER,
    Role.RESIDENT,
    Role.VOLUNTEER,
]
LANDING = {
    Role.STAFF: "community_home",
    Role.BUILDING_LEADER: "community_home",
    Role.GROUP_LEADER: "group_detail",  # their group: members, leaders and this year's hours
    Role.STREET_OFFICER: "street_overview",
    Role.RESIDENT: "household_detail",
    Role.VOLUNTEER: "my_tasks",
}


def landing_for(scope: Scope) -> tuple[str, list[int]] | None:
    """(url name, args) of the landing page for this scope, or None for a user with no role. Leaders'
    roles come from the records they lead (linli.core.scope), so the scope, not the memberships, says."""
    places = {
        Role.STAFF: scope.full_communities,
        Role.BUILDING_LEADER: scope.building_communities.values(),
        Role.GROUP_LEADER: scope.groups,
        Role.STREET_OFFICER: scope.streets,
        Role.RESIDENT: scope.households,
        Role.VOLUNTEER: None,
    }
    for role in ROLE_ORDER:
        if role in scope.roles:
            where = places[role]
            return LANDING[role], ([min(where)] if where is not None else [])
    return None


@login_required
@require_GET
def home(request):
    landing = landing_for(scope_for(request.user))
    if landing is None:
        return render(request, "core/home_no_role.html")
    name, args = landing
    return redirect(name, *args)


@login_required
@require_GET
def help_page(request):
    return render(request, "core/help.html")


@require_GET
def healthz(request):
    """For a load balancer or monitor: 200 when Linli can reach its database, 503 when it cannot. Public by
    design and shows nothing of anyone (also the floor endpoint of `bench.vote_load`)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_required
@require_GET
def my_tasks(request):
    return render(request, "core/my_tasks.html")


class LogoutView(auth_views.LogoutView):
    """Signing out stays a POST (a link or a prefetch must not sign anyone out); a GET, e.g. a typed
    address, asks for confirmation instead of failing, and sends a signed-out visitor to sign in."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")
