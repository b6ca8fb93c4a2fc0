"""The menu's "议事协商" section: meetings, consultations, conventions and notices of each community where
the user is staff or leads a building. No query: roles and community names come from the scope the menu
has already read. Consultations are staff pages (leaders reach a consultation from its link)."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.scope import scope_for

register = template.Library()


@register.inclusion_tag("deliberation/partials/deliberation_nav_section.html", takes_context=True)
def deliberation_nav_section(context) -> dict:
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
        pages = [("meeting_list", _("议事会议")), ("convention_list", _("公约")), ("notice_list", _("公示"))]
        if scope.is_staff_of(community_id):
            pages.insert(1, ("consultation_list", _("意见征询与投票")))
        for name, label in pages:
            url = reverse(name, args=[community_id])
            if several:
                label = f"{community.name} · {label}"
            links.append((label, url, request.path == url))
    return {"links": links}
