"""The menu's "党建" section: the party pages of each community where the user may see party members
(staff: the whole community, building leaders: their buildings; see organizing/rules_party.py). No query:
the roles and community names come from the scope the menu has already read."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.scope import scope_for

register = template.Library()


@register.inclusion_tag("organizing/partials/party_nav_section.html", takes_context=True)
def party_nav_section(context) -> dict:
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
        url = reverse("party_member_list", args=[community_id])
        label = _("%(community)s党员") % {"community": community.name} if several else _("党员与党支部")
        links.append((label, url, request.path == url))
        if scope.is_staff_of(community_id):
            url = reverse("party_in_service_list", args=[community_id])
            links.append((_("在职党员"), url, request.path == url))
    return {"links": links}
