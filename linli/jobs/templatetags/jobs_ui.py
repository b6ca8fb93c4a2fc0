"""Template helpers of the jobs pages, and the navigation link to them for those who may see them."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.jobs.registry import job_label as _job_label
from linli.jobs.rules import may_view_runs

register = template.Library()


@register.filter
def job_label(name: str) -> str:
    return _job_label(name)


@register.inclusion_tag("jobs/partials/nav_section.html", takes_context=True)
def jobs_nav_section(context) -> dict:
    """A "系统" section in the menu with the jobs page, for superusers and committee staff (no query:
    the roles come from the scope the menu has already read)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    # The rule itself rather than has_perm: Django's model backend would read the user's permissions.
    if user is None or not user.is_authenticated or not may_view_runs(user):
        return {"url": None}
    url = reverse("job_runs")
    return {"url": url, "label": _("后台任务"), "current": request.path == url}
