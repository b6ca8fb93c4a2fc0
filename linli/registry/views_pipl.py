"""The PIPL pages: record and withdraw a consent, hand a person a copy of their data, anonymise a person
who moved out. Thin like the other registry views: the scope decides what opens (404), the rules who may
act (403), `registry.pipl` what is allowed (DomainError on the form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.registry import minors, pipl, selectors, selectors_pipl
from linli.registry.forms import add_domain_error
from linli.registry.forms_pipl import AnonymiseForm, ConsentForm, ConsentWithdrawForm, PersonExportForm


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _shown(request, resident) -> str:
    return minors.display_name(resident, scope_for(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    _require(request, "registry.record_consent", resident)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        guardians=selectors_pipl.guardian_options(request.user, resident),
    )
    if form.is_bound and form.is_valid():
        try:
            pipl.consent_record(actor=request.user, resident=resident, data=form.consent_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已登记同意。"))
            return redirect("resident_detail", resident.pk)
    context = {
        "resident": resident,
        "form": form,
        "is_child": minors.is_child(resident.birth_date),
        "shown_name": _shown(request, resident),
    }
    return render(request, "registry/pipl/consent_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, consent_id: int):
    consent = selectors_pipl.access_consent(request.user, consent_id)
    resident = consent.resident
    _require(request, "registry.record_consent", resident)
    form = ConsentWithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            pipl.consent_withdraw(actor=request.user, consent=consent, on=form.cleaned_data["withdrawn_on"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已记录撤回同意。"))
            return redirect("resident_detail", resident.pk)
    context = {
        "consent": consent,
        "resident": resident,
        "form": form,
        "shown_name": _shown(request, resident),
    }
    return render(request, "registry/pipl/consent_withdraw.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def person_export(request, resident_id: int):
    """GET asks for the reason; POST writes the access log and answers with the JSON file."""
    resident = selectors.access_resident(request.user, resident_id)
    _require(request, "registry.export_person", resident)
    form = PersonExportForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            data = pipl.person_data_export(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"], request=request
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return person_export_response(data, resident.pk)
    return render(
        request,
        "registry/pipl/person_export.html",
        {"resident": resident, "form": form, "shown_name": _shown(request, resident)},
    )


def person_export_response(data: dict, resident_id: int) -> HttpResponse:
    """The JSON file as a download, never cached (it holds the ID number and phone in clear)."""
    response = HttpResponse(pipl.person_export_bytes(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{pipl.person_export_filename(resident_id)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def resident_anonymise(request, resident_id: int):
    resident = selectors.access_resident(request.user, resident_id)
    _require(request, "registry.anonymise_resident", resident)
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            pipl.resident_anonymise(actor=request.user, resident=resident, request=request)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已完成匿名化。"))
            return redirect("resident_detail", resident.pk)
    return render(
        request,
        "registry/pipl/resident_anonymise.html",
        {"resident": resident, "form": form, "shown_name": _shown(request, resident)},
    )
