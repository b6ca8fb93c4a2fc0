"""Template helpers for the staff pages: the navigation by role, masks and shares.

The navigation is built from the user's scope (one membership query, already made for the page) and
one query for the names of the user's communities, so every page pays the same small, fixed price.
"""

from dataclasses import dataclass, field

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import Role
from linli.core.scope import scope_for

register = template.Library()


@dataclass
class NavSection:
    title: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


@register.simple_tag(takes_context=True)
def nav_sections(context) -> list[NavSection]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    scope = scope_for(user)
    sections: list[NavSection] = []
    registry_communities = set(scope.full_communities) | set(scope.building_communities.values())
    if scope.has_role(Role.GROUP_LEADER):
        registry_communities |= scope.member_communities  # narrowed by the pages' own permission checks
    if registry_communities:
        names = dict(
            scope.visible_communities().filter(pk__in=registry_communities).values_list("pk", "name")
        )
        for community_id in sorted(names):
            section = NavSection(names[community_id])
            section.links.append((_("社区概况"), reverse("community_home", args=[community_id])))
            section.links.append((_("居民名册"), reverse("resident_list", args=[community_id])))
            if scope.is_staff_of(community_id) or scope.leads_building_in(community_id):
                section.links.append(
                    (pgettext("plural", "楼栋"), reverse("building_list", args=[community_id]))
                )
            sections.append(section)
    mine = NavSection(_("我的"))
    for street_id in sorted(scope.streets):
        mine.links.append((_("街道概况"), reverse("street_overview", args=[street_id])))
    for household_id in sorted(scope.households):
        mine.links.append((_("我的家"), reverse("household_detail", args=[household_id])))
    if scope.has_role(Role.VOLUNTEER):
        mine.links.append((_("我的任务"), reverse("my_tasks")))
    mine.links.append((_("使用帮助"), reverse("help")))
    sections.append(mine)
    return sections


@register.simple_tag(takes_context=True)
def role_labels(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    roles = scope_for(user).roles
    # Translators: the separator between items of a list (roles, changed fields); ", " in English.
    return _("、").join(str(label) for value, label in Role.choices if value in roles)


@register.filter
def masked_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def percent(value) -> str:
    """0.4351 → "43.5%" (one decimal, as the committees report it)."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def share_of(part, whole) -> str:
    try:
        return percent(part / whole) if whole else "—"
    except TypeError:
        return ""
