"""The reveal of a sensitive field on the resident page.

GET shows the small form that asks why (a fragment for htmx, a page without it); POST records the reveal
in the access log and answers with the clear value. The value exists only in that POST's answer, which
no cache may keep (never_cache sets Cache-Control: no-store): the resident page itself holds only masks.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from linli.core.errors import DomainError
from linli.registry import privacy, selectors
from linli.registry.forms import add_domain_error
from linli.registry.forms_privacy import RevealForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def resident_reveal(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    field = (request.POST if request.method == "POST" else request.GET).get("field", "")
    if field not in privacy.REVEALABLE_FIELDS:
        if not privacy.revealable_fields(request.user, resident):
            raise PermissionDenied
        raise Http404
    if not privacy.may_reveal(request.user, resident, field):
        raise PermissionDenied
    form = RevealForm(request.POST if request.method == "POST" else None, initial={"field": field})
    value = None
    if form.is_bound and form.is_valid():
        try:
            value = privacy.resident_reveal(
                actor=request.user,
                resident=resident,
                field=field,
                reason=form.stated_reason(),
                request=request,
            )
        except DomainError as error:
            add_domain_error(form, error)
    context = {
        "resident": resident,
        "field": field,
        "field_label": privacy.FIELD_LABELS[field],
        "masked": privacy.masked_value(field, getattr(resident, field)),
        "form": form,
        "value": value,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "registry/partials/reveal.html" if partial else "registry/resident_reveal.html"
    return render(request, template, context)
