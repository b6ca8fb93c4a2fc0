"""Template helpers for the staff pages: the navigation by role, masks and shares, links by row.

The navigation is built from the user's scope (one membership query, already made for the page) and
one query for the names of the user's communities, so every page pays the same small, fixed price.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from html import escape

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from linli.core.identity import mask_id_number, mask_phone
from linli.core.models import Role
from linli.core.scope import ANONYMOUS, scope_for
from linli.registry import minors

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
        names = {pk: scope.communities[pk].name for pk in registry_communities if pk in scope.communities}
        for community_id in sorted(names):
            section = NavSection(names[community_id])
            section.links.append((_("社区概况"), reverse("community_home", args=[community_id])))
            section.links.append((_("居民名册"), reverse("resident_list", args=[community_id])))
            if scope.is_staff_of(community_id) or scope.leads_building_in(community_id):
                section.links.append(
                    (pgettext("plural", "楼栋"), reverse("building_list", args=[community_id]))
                )
            if scope.is_staff_of(community_id) or scope.leads_group_in(community_id):
                section.links.append((_("团队"), reverse("group_list", args=[community_id])))
            if scope.is_staff_of(community_id) or scope.leads_building_in(community_id):
                section.links.append((_("楼组"), reverse("building_group_list", args=[community_id])))
            if scope.is_staff_of(community_id):
                section.links.append((_("修改记录"), reverse("community_audit", args=[community_id])))
                section.links.append((_("访问记录"), reverse("access_log", args=[community_id])))
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


@register.simple_tag
def pk_url(viewname: str, pk) -> str:
    """`{% url viewname pk %}` for the pages with a link on every row (a floor plan links a few hundred
    residents): the URL is reversed once per view, then only the number changes. Only for URLs whose one
    argument is an `<int:…>` primary key."""
    return _pk_linker(viewname)(pk)


def _pk_linker(viewname: str):
    head, tail = _pk_url_parts(viewname, get_script_prefix(), get_urlconf(), get_language())
    return lambda pk: f"{head}{int(pk)}{tail}"


_PK_MARKER = 918273645546372819


@lru_cache(maxsize=64)
def _pk_url_parts(viewname: str, prefix: str, urlconf, language) -> tuple[str, str]:
    # prefix, urlconf and language are the key only: reverse() reads the same ones itself.
    head, tail = reverse(viewname, args=[_PK_MARKER]).split(str(_PK_MARKER))
    return head, tail


# The two tags below write the repeated part of the busiest pages in Python rather than as template
# markup: in a template each cell costs a few variable lookups, tags and escapes, and the fifty rows of a
# resident list or the few hundred people of a floor plan came to more than the rest of the page.


def _viewer_scope(context):
    request = context.get("request")
    return scope_for(getattr(request, "user", None)) if request is not None else ANONYMOUS


@register.simple_tag(takes_context=True)
def resident_rows(context, rows) -> str:
    """The <tr>s of the resident list, one per `selectors.ResidentRow`, in the order of the <thead>
    of registry/partials/resident_results.html: name, gender, age, address, registration, tags, party."""
    link = _pk_linker("resident_detail")
    # (gettext outside the f-strings: makemessages does not read inside them)
    moved_out, yes, no = escape(_("已迁出")), escape(_("是")), escape(_("否"))
    moved_out, no = f' <span class="badge">{moved_out}</span>', f'<span class="muted">{no}</span>'
    scope = _viewer_scope(context)
    html = []
    for row in rows:
        tags = "".join(f'<span class="tag">{escape(tag)}</span>' for tag in row.tags)
        # A child's name is masked for most roles, and a link only where the record opens (minors.py).
        name = escape(minors.display_name(row, scope))
        if minors.may_open_record(row, scope):
            name = f'<a href="{link(row.pk)}">{name}</a>'
        html.append(
            ("<tr>" if row.is_current else '<tr class="row--moved-out">')
            + f'<th scope="row">{name}'
            + ("" if row.is_current else moved_out)
            + f"</th><td>{escape(row.gender)}</td>"
            + f'<td class="num">{escape(row.age)}</td>'
            + f"<td>{escape(row.building)} {escape(row.flat)}</td>"
            + f"<td>{escape(row.registration_type)}</td>"
            + f"<td>{tags}</td>"
            + f"<td>{yes if row.is_party_member else no}</td></tr>\n"
        )
    return mark_safe("".join(html))  # noqa: S308 (every value is escaped above)


@register.simple_tag(takes_context=True)
def flat_people(context, flat) -> str:
    """Who lives in one flat of the building page (a `selectors.PlanFlat`): a list of its current
    residents, a link to each active household nobody lives in any more, or a note that it is empty."""
    if not flat.households:
        empty = escape(_("空置/未登记"))
        return mark_safe(f'<p class="flat__empty">{empty}</p>')  # noqa: S308
    resident, household = _pk_linker("resident_detail"), _pk_linker("household_detail")
    scope = _viewer_scope(context)
    html = ['<ul class="flat__people">']
    for home in flat.households:
        for person in home.residents:
            name = escape(minors.display_name(person, scope))
            html.append(f'<li><a href="{resident(person.pk)}">{name}</a> {escape(person.age)}</li>')
        if not home.residents:
            nobody = escape(_("户内暂无在住居民"))  # (outside the f-string, for makemessages)
            html.append(f'<li class="muted"><a href="{household(home.pk)}">{nobody}</a></li>')
    html.append("</ul>")
    return mark_safe("".join(html))  # noqa: S308 (every value is escaped above)


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
def shown_name(person, user) -> str:
    """`{{ resident|shown_name:request.user }}`: the name as this user may see it (a child's masked as
    surname + * for roles other than staff and the child's household; see registry/minors.py)."""
    if person is None:
        return ""
    scope = scope_for(user) if hasattr(user, "is_authenticated") else ANONYMOUS  # no user: masked
    return minors.display_name(person, scope)


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
