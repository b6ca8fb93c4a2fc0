"""The menu's lift link and the tabs of a lift project's pages. No query for the menu: roles and
community names come from the scope the menu has already read."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from linli.core.scope import scope_for

register = template.Library()

# The project's pages, in tab order: (URL name, label). An area's page appears once its URL exists.
PROJECT_TABS = [
    ("lift_project_detail", _("概况与阶段")),
    ("lift_board", _("走访与看板")),
    ("lift_vote", _("业主表决")),
    ("lift_cost", _("费用分摊")),
    ("lift_roster", _("值守排班")),
    ("lift_photos", _("照片墙")),
]


@register.inclusion_tag("elevators/partials/lift_nav_section.html", takes_context=True)
def lift_nav_section(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": []}
    scope = scope_for(user)
    communities = set(scope.full_communities) | set(scope.building_communities.values())
    several = len(communities) > 1
    links = []
    for community_id in sorted(communities):
        community = scope.communities.get(community_id)
        if community is None:
            continue
        url = reverse("lift_overview", args=[community_id])
        label = f"{community.name} · {_('加装电梯')}" if several else _("加装电梯")
        links.append((label, url, request.path.startswith(url)))
    return {"links": links}


@register.inclusion_tag("elevators/partials/project_tabs.html", takes_context=True)
def project_tabs(context, project) -> dict:
    request = context.get("request")
    tabs = []
    for name, label in PROJECT_TABS:
        try:
            url = reverse(name, args=[project.pk])
        except NoReverseMatch:
            continue
        tabs.append((label, url, request is not None and request.path == url))
    return {"tabs": tabs}
