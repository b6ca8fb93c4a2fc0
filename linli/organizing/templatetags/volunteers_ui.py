"""The menu's "志愿服务" section: the volunteer pages of each community where the user keeps volunteers
(staff, group leaders, building leaders; see organizing/rules_volunteers.py), and one's own page for a
volunteer. No query: roles and community names come from the scope the menu has already read."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.models import Role
from linli.core.scope import scope_for

register = template.Library()


@register.inclusion_tag("organizing/partials/volunteer_nav_section.html", takes_context=True)
def volunteer_nav_section(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": []}
    scope = scope_for(user)
    communities = (
        set(scope.full_communities)
        | set(scope.building_communities.values())
        | set(scope.group_communities.values())
    )
    several = len(communities) > 1
    links = []
    for community_id in sorted(communities):
        community = scope.communities.get(community_id)
        if community is None:
            continue
        url = reverse("volunteer_list", args=[community_id])
        label = _("%(community)s志愿者") % {"community": community.name} if several else _("志愿者")
        links.append((label, url, request.path == url))
        url = reverse("talent_list", args=[community_id])
        links.append((_("能人达人"), url, request.path == url))
    if scope.has_role(Role.VOLUNTEER):
        url = reverse("my_volunteering")
        links.append((_("我的志愿服务"), url, request.path == url))
    return {"links": links}
