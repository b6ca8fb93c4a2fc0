"""The portal's sign-in pages, its home page, and the staff pages that print households' invitation slips.

Thin views: the rules live in linli.portal.services. Sign-in pages keep what they learnt between steps in
the session (the keyed hash of the number, never the number; the ids of the residents one may sign in as).
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.elevators.selectors_photos import projects_for_household
from linli.portal import selectors, services
from linli.portal.forms import ChooseForm, CodeForm, InviteForm, PhoneForm
from linli.registry.models import Building, Household, Resident

SESSION_PHONE = "portal_phone_hash"
SESSION_PHONE_SHOWN = "portal_phone_shown"
SESSION_CANDIDATES = "portal_candidates"
SESSION_NEXT = "portal_next"


def _form_error(form, exc: DomainError) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("portal_home")


def resident_required(view):
    """Signed in, or off to the portal's own sign-in page (with the page to come back to)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('portal_sign_in')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


def _remember_next(request) -> None:
    if "next" in request.GET:
        request.session[SESSION_NEXT] = _safe_next(request, request.GET.get("next"))


def _signed_in(request, resident: Resident, method: str):
    try:
        services.resident_sign_in(resident=resident, request=request, method=method)
    except DomainError as exc:
        return exc
    next_url = request.session.pop(SESSION_NEXT, None)
    for key in (SESSION_PHONE, SESSION_PHONE_SHOWN, SESSION_CANDIDATES):
        request.session.pop(key, None)
    return redirect(_safe_next(request, next_url))


def _mask(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else ""


@require_http_methods(["GET", "POST"])
def sign_in(request):
    """Step one: the mobile number. The answer is the same whether or not the number is registered."""
    _remember_next(request)
    form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_hash = services.sign_in_code_request(phone=form.cleaned_data["phone"], request=request)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            request.session[SESSION_PHONE] = phone_hash
            request.session[SESSION_PHONE_SHOWN] = _mask(form.cleaned_data["phone"])
            return redirect("portal_sign_in_code")
    return render(request, "portal/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    """Step two: the code from the message."""
    phone_hash = request.session.get(SESSION_PHONE)
    if not phone_hash:
        return redirect("portal_sign_in")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            residents = services.sign_in_code_verify(
                phone_hash=phone_hash, code=form.cleaned_data["code"], request=request
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if len(residents) == 1:
                result = _signed_in(request, residents[0], "sms")
                if not isinstance(result, DomainError):
                    return result
                _form_error(form, result)
            else:
                request.session[SESSION_CANDIDATES] = [r.pk for r in residents]
                request.session["portal_candidates_method"] = "sms"
                return redirect("portal_choose")
    return render(
        request,
        "portal/sign_in_code.html",
        {"form": form, "phone_shown": request.session.get(SESSION_PHONE_SHOWN, "")},
    )


@require_http_methods(["GET", "POST"])
def invite(request):
    """Sign in with the household's invitation code; then say who one is."""
    _remember_next(request)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            adults = services.invitation_check(code=form.cleaned_data["code"], request=request)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            request.session[SESSION_CANDIDATES] = [r.pk for r in adults]
            request.session["portal_candidates_method"] = "invite"
            return redirect("portal_choose")
    return render(request, "portal/invite.html", {"form": form})


@require_http_methods(["GET", "POST"])
def choose(request):
    """Who is signing in, among the residents the code stands for (a household's adults, or the residents
    who share one mobile number)."""
    ids = request.session.get(SESSION_CANDIDATES) or []
    residents = list(
        Resident.objects.filter(pk__in=ids, moved_out__isnull=True, anonymised_at__isnull=True).order_by("id")
    )
    if not residents:
        return redirect("portal_sign_in")
    form = ChooseForm(request.POST if request.method == "POST" else None, residents=residents)
    if request.method == "POST" and form.is_valid():
        chosen = next(r for r in residents if r.pk == form.cleaned_data["resident"])
        result = _signed_in(request, chosen, request.session.get("portal_candidates_method", "invite"))
        if not isinstance(result, DomainError):
            return result
        _form_error(form, result)
    return render(request, "portal/choose.html", {"form": form})


@resident_required
def home(request):
    """The resident's page: their household, notices, open votes, conventions to sign."""
    page = selectors.portal_home_for(request.user)
    if page is None:
        return render(request, "portal/not_resident.html", status=403)
    lifts = projects_for_household(page.household, with_photos=True)  # the entrance's photo wall
    return render(request, "portal/home.html", {"page": page, "lift_projects": lifts})


# Staff: invitation slips.


def _slip(request, household: Household, code: str) -> dict:
    url = request.build_absolute_uri(reverse("portal_invite")) + "#" + services.normalise_invite(code)
    qr = segno.make(url, error="m")
    return {
        "household": household,
        "code": services.format_invite(code),
        "qr": qr.svg_inline(scale=4, dark="#000", light="#fff"),
        "url": request.build_absolute_uri(reverse("portal_invite")),
    }


@require_http_methods(["GET", "POST"])
def household_invitation(request, household_id: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
    household = get_object_or_404(
        scope_for(request.user).filter(Household.objects.select_related("flat__building", "community")),
        pk=household_id,
    )
    if not request.user.has_perm("portal.reset_invitation", household):
        raise PermissionDenied
    slips = []
    if request.method == "POST":
        code = services.household_invitation_reset(actor=request.user, household=household, request=request)
        slips = [_slip(request, household, code)]
        messages.success(request, _("已生成新的户邀请码，旧邀请码即时失效。请打印下面的邀请单交给该户。"))
    existing = selectors.invitation_of(household)
    return render(
        request,
        "portal/household_invitation.html",
        {"household": household, "existing": existing, "slips": slips},
    )


@require_http_methods(["GET", "POST"])
def building_invitations(request, building_id: int):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
    building = get_object_or_404(
        scope_for(request.user).filter(Building.objects.select_related("community")), pk=building_id
    )
    if not request.user.has_perm("portal.reset_building_invitations", building):
        raise PermissionDenied
    households = list(
        Household.objects.filter(flat__building=building, is_active=True).select_related("flat__building")
    )
    slips = []
    if request.method == "POST":
        for household in households:
            code = services.household_invitation_reset(
                actor=request.user, household=household, request=request
            )
            slips.append(_slip(request, household, code))
        messages.success(
            request, _("已为本楼 %(n)s 户生成新的户邀请码，旧邀请码即时失效。") % {"n": len(slips)}
        )
    return render(
        request,
        "portal/building_invitations.html",
        {"building": building, "households": households, "slips": slips},
    )
