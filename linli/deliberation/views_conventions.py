"""Staff pages of conventions (公约): list, new, versions and their diff, suggestions and answers,
adoption, signatures with the coverage per building, and the adopted text printable on A4.

Thin views: parse, call a selector or a service, render. Staff see their community's conventions,
building leaders those of their buildings (404 outside the scope, 403 for an action the role lacks);
residents use the portal, built on the same services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.deliberation import selectors_conventions as selectors
from linli.deliberation import services_conventions as services
from linli.deliberation.forms_conventions import (
    AdoptForm,
    AnswerForm,
    ConventionForm,
    SignatureRecordForm,
    VersionForm,
    add_domain_error,
)
from linli.deliberation.models import SignatureMethod
from linli.registry.views import community_with_perm, require_perm


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def convention_list(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.view_conventions")
    context = {
        "community": community,
        "conventions": list(selectors.conventions_for(request.user, community.pk)),
        "can_add": request.user.has_perm("deliberation.add_convention", community),
    }
    return render(request, "deliberation/convention_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def convention_create(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.add_convention")
    form = ConventionForm(_posted(request), buildings=selectors.building_options(request.user, community.pk))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            convention = services.convention_create(
                actor=request.user,
                community=community,
                title=data["title"],
                text=data["text"],
                buildings=data["buildings"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存公约第1稿。"))
            return redirect("convention_detail", convention.pk)
    return render(request, "deliberation/convention_form.html", {"community": community, "form": form})


@login_required
@require_GET
def convention_detail(request, convention_id: int):
    convention = selectors.convention_for_staff(request.user, convention_id)
    versions = selectors.versions_of(convention)
    user = request.user
    context = {
        "convention": convention,
        "community": convention.community,
        "versions": versions,
        "version_rows": list(zip(versions, [None, *versions[:-1]], strict=True)),
        "latest": versions[-1] if versions else None,
        "suggestions": list(selectors.suggestions_of(user, convention)),
        "can_change": user.has_perm("deliberation.change_convention", convention),
        "can_adopt": user.has_perm("deliberation.adopt_convention", convention),
        "answer_form": AnswerForm(),
    }
    return render(request, "deliberation/convention_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def convention_version_add(request, convention_id: int):
    convention = selectors.convention_for_staff(request.user, convention_id)
    require_perm(request, "deliberation.change_convention", convention)
    versions = selectors.versions_of(convention)
    initial = {"text": versions[-1].text} if versions else {}
    form = VersionForm(_posted(request), initial=initial)
    if form.is_bound and form.is_valid():
        try:
            version = services.version_add(
                actor=request.user,
                convention=convention,
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已保存第%(n)d稿。") % {"n": version.number})
            return redirect("convention_detail", convention.pk)
    return render(
        request, "deliberation/convention_version_form.html", {"convention": convention, "form": form}
    )


def _version_param(request, name, convention, default):
    raw = request.GET.get(name)
    if not raw:
        return default
    try:
        return selectors.version_get(convention, int(raw))
    except (ValueError, Http404):
        raise Http404 from None


@login_required
@require_GET
def convention_diff(request, convention_id: int):
    convention = selectors.convention_for_staff(request.user, convention_id)
    versions = selectors.versions_of(convention)
    if not versions:
        raise Http404
    new = _version_param(request, "new", convention, versions[-1])
    old = _version_param(request, "old", convention, versions[-2] if len(versions) > 1 else versions[-1])
    context = {
        "convention": convention,
        "versions": versions,
        "old": old,
        "new": new,
        "diff": selectors.diff_html(old.text, new.text),
    }
    return render(request, "deliberation/convention_diff.html", context)


@login_required
@require_POST
def convention_suggestion_answer(request, suggestion_id: int):
    suggestion = selectors.suggestion_for_staff(request.user, suggestion_id)
    require_perm(request, "deliberation.change_convention", suggestion.convention)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.suggestion_answer(
                actor=request.user, suggestion=suggestion, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已答复。"))
    else:
        messages.error(request, _("请填写答复。"))
    return redirect("convention_detail", suggestion.convention_id)


@login_required
@require_http_methods(["GET", "POST"])
def convention_adopt(request, convention_id: int):
    convention = selectors.convention_for_staff(request.user, convention_id)
    require_perm(request, "deliberation.adopt_convention", convention)
    versions = selectors.versions_of(convention)
    consultations = selectors.closed_consultations(request.user, convention.community_id)
    form = AdoptForm(_posted(request), versions=versions, consultations=consultations)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        version = next(v for v in versions if v.pk == data["version"])
        try:
            services.convention_adopt(
                actor=request.user,
                convention=convention,
                version=version,
                adopted_on=data["adopted_on"],
                resolution=data["resolution"],
                consultation=next((c for c in consultations if c.pk == data.get("consultation")), None),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记公约通过，可以开始签署。"))
            return redirect("convention_detail", convention.pk)
    return render(request, "deliberation/convention_adopt.html", {"convention": convention, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def convention_signatures(request, convention_id: int):
    """Coverage per building (who has not signed yet) and recording a paper signature."""
    convention = selectors.convention_for_staff(request.user, convention_id)
    coverage = selectors.signature_coverage(request.user, convention)
    can_record = convention.is_adopted and request.user.has_perm("deliberation.record_signature", convention)
    unsigned = [h for entry in coverage for h in entry.unsigned]
    form = SignatureRecordForm(_posted(request), households=unsigned)
    if form.is_bound:
        require_perm(request, "deliberation.record_signature", convention)
        if form.is_valid():
            household = next(h for h in unsigned if h.pk == form.cleaned_data["household"])
            try:
                services.convention_sign(
                    actor=request.user,
                    convention=convention,
                    household=household,
                    method=SignatureMethod.STAFF,
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("已登记 %(flat)s 的签署。") % {"flat": household.flat})
                return redirect("convention_signatures", convention.pk)
    context = {
        "convention": convention,
        "coverage": coverage,
        "total": sum(c.total for c in coverage),
        "signed": sum(c.signed for c in coverage),
        "form": form,
        "can_record": can_record,
    }
    return render(request, "deliberation/convention_signatures.html", context)


@login_required
@require_GET
def convention_print(request, convention_id: int):
    """The adopted text on A4, for the notice board and the signing sheets."""
    convention = selectors.convention_for_staff(request.user, convention_id)
    if not convention.is_adopted:
        raise Http404
    paragraphs = [line.strip() for line in convention.adopted_version.text.split("\n") if line.strip()]
    return render(
        request, "deliberation/convention_print.html", {"convention": convention, "paragraphs": paragraphs}
    )
