"""Consultation pages: staff create, open, enter paper and proxy ballots, watch participation, close and
print the tally; voters vote online; building and group leaders record doorstep ballots for their own
voters. Thin: parse, call one selector or service, render. Out of scope is a 404 (selectors), a role
that may see but not act a 403 (rules_votes), bad input a Chinese form message (DomainError)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.access import AccessAction, access_record
from linli.core.errors import DomainError
from linli.core.scope import scope_for
from linli.deliberation import rules_votes
from linli.deliberation import selectors_votes as selectors
from linli.deliberation import services_votes as services
from linli.deliberation.forms_votes import BallotForm, ConsultationForm
from linli.deliberation.models import Ballot, BallotMethod, QuestionKind
from linli.deliberation.tally import counts_for, decimal_text, fraction_text, percent
from linli.deliberation.thresholds import RULES, evaluate
from linli.registry.views import community_with_perm, require_perm

# Who may open a ballot's photo or proxy document: whoever may see the ballot list (staff of the community,
# rules_votes). A building leader who recorded a doorstep ballot does not see its photo again afterwards.
BALLOT_FILES_PERM = "deliberation.view_participation"


def _form_error(form, exc: DomainError) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@login_required
@require_GET
def consultation_list(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.manage_consultations")
    rows = selectors.consultations_for_community(request.user, community.pk)
    return render(request, "deliberation/consultation_list.html", {"community": community, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.manage_consultations")
    buildings = list(community.buildings.select_related("estate").order_by("sort_key", "number"))
    from linli.organizing.models import Group

    groups = list(Group.objects.filter(community=community).order_by("name"))
    form = ConsultationForm(request.POST or None, buildings=buildings, groups=groups)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        by_id = {b.pk: b for b in buildings}
        try:
            consultation = services.consultation_create(
                actor=request.user,
                community=community,
                title=d["title"],
                description=d["description"],
                electorate=d["electorate"],
                buildings=[by_id[i] for i in d["buildings"] if i in by_id],
                group=next((g for g in groups if g.pk == d["group"]), None),
                weighting=d["weighting"],
                threshold=d["threshold"],
                opens_at=d["opens_at"],
                closes_at=d["closes_at"],
                questions=d["questions"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("意见征询已保存为草稿。确认无误后请点击“开始征询”。"))
            return redirect("consultation_detail", consultation.pk)
    return render(request, "deliberation/consultation_form.html", {"community": community, "form": form})


@login_required
@require_GET
def consultation_detail(request, consultation_id: int):
    consultation = selectors.access_consultation(request.user, consultation_id)
    require_perm(request, "deliberation.view_consultation", consultation)
    user = request.user
    staff = user.has_perm("deliberation.change_consultation", consultation)
    voter = selectors.voter_for_user(user, consultation)
    context = {
        "consultation": consultation,
        "questions": consultation.questions.prefetch_related("choices"),
        "staff": staff,
        "voter": voter,
        "own_ballot": selectors.ballot_of(voter),
        "can_doorstep": user.has_perm("deliberation.record_doorstep", consultation),
        "can_tally": user.has_perm("deliberation.view_tally", consultation),
        "can_see_ballot_files": user.has_perm(BALLOT_FILES_PERM, consultation),
        "rule_label": RULES.get(consultation.threshold, ("", None))[0],
    }
    if staff:
        part = selectors.participation(consultation)
        context["participation"] = part | {
            "rate_text": percent(part["rate"]),
            "weight_rate_text": percent(part["weight_rate"]),
        }
        context["voters"] = selectors.voters_for_staff(consultation)
    return render(request, "deliberation/consultation_detail.html", context)


@login_required
@require_POST
def consultation_open(request, consultation_id: int):
    consultation = selectors.access_consultation(request.user, consultation_id)
    require_perm(request, "deliberation.change_consultation", consultation)
    try:
        services.consultation_open(actor=request.user, consultation=consultation)
        messages.success(request, _("征询已开始，投票人名单已确定。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("consultation_detail", consultation.pk)


@login_required
@require_POST
def consultation_close(request, consultation_id: int):
    consultation = selectors.access_consultation(request.user, consultation_id)
    require_perm(request, "deliberation.change_consultation", consultation)
    try:
        services.consultation_close(actor=request.user, consultation=consultation)
        messages.success(request, _("征询已结束，表决票不能再提交或修改。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("consultation_detail", consultation.pk)


def _ballot_page(request, consultation, voter, methods, template_title):
    questions = list(consultation.questions.prefetch_related("choices"))
    form = BallotForm(request.POST or None, request.FILES or None, questions=questions, methods=methods)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.ballot_cast(
                actor=request.user,
                consultation=consultation,
                voter=voter,
                answers=form.answers(),
                method=form.chosen_method(),
                photo=d.get("photo"),
                proxy_name=d.get("proxy_name") or "",
                proxy_document=d.get("proxy_document"),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("表决票已提交。"))
            return redirect("consultation_detail", consultation.pk)
    context = {
        "consultation": consultation,
        "voter": voter,
        "voter_name": selectors.mask_name(voter.name)
        if not scope_for(request.user).is_staff_of(voter.community_id)
        else voter.name,
        "form": form,
        "title": template_title,
        "approve": QuestionKind.APPROVE,
    }
    return render(request, "deliberation/consultation_ballot.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_vote(request, consultation_id: int):
    """The voter's own online ballot."""
    consultation = selectors.access_consultation(request.user, consultation_id)
    require_perm(request, "deliberation.cast_own_ballot", consultation)
    voter = selectors.voter_for_user(request.user, consultation)
    if selectors.ballot_of(voter) is not None:
        messages.info(request, _("您已经投过票，已投的票不能更改。"))
        return redirect("consultation_detail", consultation.pk)
    return _ballot_page(request, consultation, voter, [BallotMethod.ONLINE], _("网上投票"))


@login_required
@require_http_methods(["GET", "POST"])
def consultation_ballot_enter(request, consultation_id: int, voter_id: int):
    """Staff enter a paper or proxy ballot, or record a doorstep one; leaders record doorstep ballots for
    the voters in their scope."""
    consultation = selectors.access_consultation(request.user, consultation_id)
    staff = request.user.has_perm("deliberation.enter_ballot", consultation)
    if not (staff or request.user.has_perm("deliberation.record_doorstep", consultation)):
        raise PermissionDenied
    voter = selectors.access_voter(request.user, consultation, voter_id)
    if not consultation.is_open:
        raise PermissionDenied
    if selectors.ballot_of(voter) is not None:
        messages.info(request, _("此投票人已经投过票，已投的票不能更改。"))
        return redirect("consultation_detail", consultation.pk)
    methods = (
        [BallotMethod.PAPER, BallotMethod.PROXY, BallotMethod.DOORSTEP] if staff else [BallotMethod.DOORSTEP]
    )
    return _ballot_page(request, consultation, voter, methods, _("录入表决票"))


@login_required
@require_GET
def consultation_doorstep(request, consultation_id: int):
    """Voters without a ballot the user may record at their door."""
    consultation = selectors.access_consultation(request.user, consultation_id)
    require_perm(request, "deliberation.record_doorstep", consultation)
    voters = selectors.doorstep_voters(request.user, consultation)
    return render(
        request,
        "deliberation/consultation_doorstep.html",
        {"consultation": consultation, "voters": voters},
    )


@login_required
@require_GET
def consultation_tally(request, consultation_id: int):
    """The printable tally. Sealed (403) for everyone but staff until the close."""
    consultation = selectors.access_consultation(request.user, consultation_id)
    result = selectors.consultation_tally(request.user, consultation)
    if result is None:
        raise PermissionDenied(_("表决结束前，结果对居委工作人员以外的人保密。"))
    weighted = consultation.weighting == "area"
    questions = []
    for q in result.questions:
        has_favour = any(c.in_favour for c in q.choices)
        outcome = evaluate(consultation.threshold, counts_for(result, q)) if has_favour else None
        choices = [
            {
                "text": c.text,
                "votes": c.votes,
                "share": percent(c.share_of_cast),
                "weight": fraction_text(c.weight),
                "weight_decimal": decimal_text(c.weight),
                "weight_share": percent(c.weight_share_of_cast),
            }
            for c in q.choices
        ]
        questions.append({"q": q, "choices": choices, "outcome": outcome})
    staff = rules_votes._is_staff(request.user, consultation.community_id)
    context = {
        "consultation": consultation,
        "result": result,
        "weighted": weighted,
        "figures": {
            "participation": percent(result.participation),
            "weight_participation": percent(result.weight_participation),
            "entitled_weight": decimal_text(result.entitled_weight),
            "cast_weight": decimal_text(result.cast_weight),
        },
        "questions": questions,
        "rule_label": RULES.get(consultation.threshold, ("", None))[0],
        "rows": selectors.report_rows(consultation) if staff else [],
    }
    return render(request, "deliberation/consultation_tally.html", context)


# (first bytes, content type, extension) of the files check_upload accepts; WebP is RIFF....WEBP.
_FILE_KINDS = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)

# Stored in the access log as written (data, not a page: the log reads the same whatever the language).
_BALLOT_FILE_REASONS = {"photo": "查看签字表决票照片", "proxy_document": "查看书面委托书"}


def sniff_content_type(head: bytes) -> tuple[str, str]:
    """(content type, extension) of a stored upload from its first bytes, as check_upload recognised it;
    anything else is served as an opaque download. The stored name is never trusted (nor shown: it may
    carry the name the uploader gave the file)."""
    for magic, content_type, extension in _FILE_KINDS:
        if head.startswith(magic):
            return content_type, extension
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return "application/octet-stream", "bin"


def _ballot_file(request, ballot_id: int, field: str):
    """A ballot's photo or proxy document, for staff who may see the consultation's ballots.

    A ballot outside the user's scope (or of a consultation they cannot see) is a 404; one they can see
    the consultation of but not the ballots (leaders, voters) a 403; no file a 404. Each view is logged
    (access_record) and never cached."""
    ballot = (
        scope_for(request.user)
        .filter(Ballot.objects.all())
        .filter(pk=ballot_id)
        .only("pk", "community_id", "consultation_id", "photo", "proxy_document")
        .first()
    )
    if ballot is None:
        raise Http404
    consultation = selectors.access_consultation(request.user, ballot.consultation_id)
    require_perm(request, BALLOT_FILES_PERM, consultation)
    stored = getattr(ballot, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    head = handle.read(16)
    handle.seek(0)
    content_type, extension = sniff_content_type(head)
    access_record(
        user=request.user,
        action=AccessAction.REVEAL,
        community=consultation.community,
        obj=ballot,
        field=field,
        reason=_BALLOT_FILE_REASONS[field],
        detail={"consultation": consultation.pk},
        request=request,
    )
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=extension == "bin",
        filename=f"ballot-{ballot.pk}-{field.replace('_', '-')}.{extension}",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def ballot_photo(request, ballot_id: int):
    """The photo of a signed paper ballot, or of the form signed at the voter's door."""
    return _ballot_file(request, ballot_id, "photo")


@login_required
@require_GET
def ballot_proxy_document(request, ballot_id: int):
    """The written proxy authorisation of a proxy ballot."""
    return _ballot_file(request, ballot_id, "proxy_document")
