"""The resident's pages for what the deliberation app asks of them: a vote, a convention to read and
sign (or a draft to comment on), a notice to read and object to. Each object is fetched through the
deliberation app's own selectors (404 outside the resident's household and eligibility), and every write
goes through its services, which check the same rules again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.deliberation import (
    selectors_conventions,
    selectors_notices,
    selectors_votes,
    services_conventions,
    services_notices,
    services_votes,
)
from linli.deliberation.models import ConventionStatus
from linli.portal import selectors
from linli.portal.forms import TextForm, VoteForm
from linli.portal.views import _form_error, resident_required


def _household_or_404(user):
    household = selectors.portal_household_for(user)
    if household is None:
        raise Http404
    return household


@resident_required
@require_http_methods(["GET", "POST"])
def vote(request, consultation_id: int):
    consultation = selectors_votes.access_consultation(request.user, consultation_id)
    voter = selectors_votes.voter_for_user(request.user, consultation)
    if voter is None:  # the page is the voter's own: staff and others use the staff pages
        raise Http404
    questions = list(consultation.questions.prefetch_related("choices").order_by("position"))
    ballot = selectors_votes.ballot_of(voter)
    form = VoteForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST":
        if form.is_valid():
            try:
                services_votes.ballot_cast(
                    actor=request.user,
                    consultation=consultation,
                    voter=voter,
                    answers=form.answers(),
                    method="online",
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("投票成功，谢谢您的参与。"))
                return redirect("portal_vote", consultation_id=consultation.pk)
        ballot = selectors_votes.ballot_of(voter)
    return render(
        request,
        "portal/vote.html",
        {"consultation": consultation, "voter": voter, "ballot": ballot, "form": form},
        status=400 if request.method == "POST" and form.errors else 200,
    )


def _convention_for_resident(user, convention_id: int):
    household = _household_or_404(user)
    convention = next(
        (c for c in selectors_conventions.conventions_for_resident(user) if c.pk == convention_id), None
    )
    if convention is None:
        raise Http404
    return household, convention


@resident_required
@require_http_methods(["GET"])
def convention(request, convention_id: int):
    return _convention_page(request, convention_id)


def _convention_page(request, convention_id: int, form=None, status=200):
    household, row = _convention_for_resident(request.user, convention_id)
    version = row.adopted_version or row.versions.order_by("-number").first()
    signed = row.signatures.filter(household=household).select_related("resident").first()
    return render(
        request,
        "portal/convention.html",
        {
            "convention": row,
            "version": version,
            "household": household,
            "signed": signed,
            "can_sign": row.status == ConventionStatus.ADOPTED and signed is None,
            "drafting": row.status == ConventionStatus.DRAFTING,
            "form": form or TextForm(),
        },
        status=status,
    )


@resident_required
@require_POST
def convention_sign(request, convention_id: int):
    household, row = _convention_for_resident(request.user, convention_id)
    try:
        services_conventions.convention_sign(
            actor=request.user, convention=row, household=household, method="online"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已代表全家签署公约，谢谢！"))
    return redirect("portal_convention", convention_id=row.pk)


@resident_required
@require_POST
def convention_suggest(request, convention_id: int):
    _household, row = _convention_for_resident(request.user, convention_id)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services_conventions.suggestion_file(
                actor=request.user, convention=row, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("您的建议已提交，居委会会认真考虑。"))
            return redirect("portal_convention", convention_id=row.pk)
    return _convention_page(request, convention_id, form=form, status=400)


def _notice_for_resident(user, notice_id: int):
    _household_or_404(user)
    notice = next((n for n in selectors_notices.notices_for_user(user) if n.pk == notice_id), None)
    if notice is None:
        raise Http404
    return notice


@resident_required
@require_http_methods(["GET"])
def notice(request, notice_id: int):
    return _notice_page(request, notice_id)


def _notice_page(request, notice_id: int, form=None, status=200):
    row = _notice_for_resident(request.user, notice_id)
    services_notices.notice_mark_read(actor=request.user, notice=row)  # opening the notice is reading it
    return render(
        request,
        "portal/notice.html",
        {"notice": row, "form": form or TextForm(), "mine": row.objections.filter(author=request.user)},
        status=status,
    )


@resident_required
@require_POST
def notice_object(request, notice_id: int):
    row = _notice_for_resident(request.user, notice_id)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services_notices.objection_file(actor=request.user, notice=row, text=form.cleaned_data["text"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("您的异议已提交，居委会将在公示期结束前答复。"))
            return redirect("portal_notice", notice_id=row.pk)
    return _notice_page(request, notice_id, form=form, status=400)
