"""Staff pages of public notices (公示): the list with read and objection counts, publishing with
attachments, one notice with its objections and the answers, and an attachment's download (which
residents reach from the portal too, through the same check)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.deliberation import selectors_conventions, selectors_notices
from linli.deliberation import services_notices as services
from linli.deliberation.forms_conventions import add_domain_error
from linli.deliberation.forms_notices import NoticeForm, ObjectionAnswerForm
from linli.registry.views import community_with_perm, require_perm


@login_required
@require_GET
def notice_list(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.view_notices")
    context = {
        "community": community,
        "notices": list(selectors_notices.notices_for(request.user, community.pk)),
        "can_add": request.user.has_perm("deliberation.add_notice", community),
    }
    return render(request, "deliberation/notice_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, community_id: int):
    community = community_with_perm(request, community_id, "deliberation.add_notice")
    buildings = selectors_conventions.building_options(request.user, community.pk)
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES, buildings=buildings)
    else:
        form = NoticeForm(buildings=buildings)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                actor=request.user,
                community=community,
                title=data["title"],
                text=data["text"],
                buildings=data["buildings"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                files=data["files"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("已发布公示。"))
            return redirect("notice_detail", notice.pk)
    return render(request, "deliberation/notice_form.html", {"community": community, "form": form})


@login_required
@require_GET
def notice_detail(request, notice_id: int):
    notice = selectors_notices.notice_for_staff(request.user, notice_id)
    context = {
        "notice": notice,
        "community": notice.community,
        "attachments": list(notice.attachments.all()),
        "objections": list(selectors_notices.objections_for(request.user, notice)),
        "read_count": notice.reads.count(),
        "can_change": request.user.has_perm("deliberation.change_notice", notice),
        "answer_form": ObjectionAnswerForm(),
    }
    return render(request, "deliberation/notice_detail.html", context)


@login_required
@require_POST
def notice_objection_answer(request, objection_id: int):
    objection = selectors_notices.objection_for_staff(request.user, objection_id)
    require_perm(request, "deliberation.change_notice", objection.notice)
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                actor=request.user, objection=objection, answer=form.cleaned_data["answer"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已答复异议。"))
    else:
        messages.error(request, _("请填写答复。"))
    return redirect("notice_detail", objection.notice_id)


@login_required
@require_GET
def notice_attachment(request, attachment_id: int):
    attachment = selectors_notices.attachment_get(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=attachment.content_type, filename=attachment.name)
