"""The photo wall's pages: a project's photos by stage with the upload form, deleting a photo, and the
photo files themselves.

Photos show residents' doors and faces: they are never served from a public media URL. Each file goes
through a view that checks the scope first (404 outside it) and tells caches the response is private.
Residents of the entrance see the same files through the portal's own views (linli.portal.views_lifts),
which use `photo_file_response` below.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.elevators import selectors_photos, selectors_projects
from linli.elevators import services_photos as services
from linli.elevators.forms_photos import PhotoForm, add_domain_error
from linli.elevators.models import Photo
from linli.registry.views import require_perm

CHANGE_PERM = "elevators.change_liftproject"
FILE_MAX_AGE = 3600  # seconds a browser may keep a photo; private: never a shared cache


def photo_file_response(photo: Photo, kind: str) -> FileResponse:
    """The photo (`kind` "full") or its thumbnail ("thumb") as an inline image, private to the browser
    that asked. The content type comes from the name Linli gave the re-encoded file, never from the
    upload; a missing file is a 404."""
    stored = photo.image if kind == "full" else photo.thumbnail
    if not stored:
        raise Http404
    extension = stored.name.rsplit(".", 1)[-1].lower()
    content_type = services.CONTENT_TYPE.get(extension)
    if content_type is None:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    suffix = "" if kind == "full" else "-thumb"
    response = FileResponse(
        handle, content_type=content_type, filename=f"photo-{photo.pk}{suffix}.{extension}"
    )
    response["Cache-Control"] = f"private, max-age={FILE_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _page(request, project, form=None, status=200):
    stages = selectors_projects.stages_of(project.community_id)
    can_change = request.user.has_perm(CHANGE_PERM, project)
    if form is None and can_change:
        form = PhotoForm(stages=stages, current=selectors_projects.current_stage(project))
    context = {
        "project": project,
        "wall": selectors_photos.photo_wall(project),
        "form": form if can_change else None,
        "can_change": can_change,
    }
    return render(request, "elevators/photos.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lift_photos(request, project_id: int):
    """The wall, and (POST) a new photo: staff of the community or a leader of the building."""
    project = selectors_projects.access_project(request.user, project_id)
    if request.method == "GET":
        return _page(request, project)
    require_perm(request, CHANGE_PERM, project)
    stages = selectors_projects.stages_of(project.community_id)
    form = PhotoForm(request.POST, request.FILES, stages=stages)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.photo_add(
                actor=request.user,
                project=project,
                stage=next(s for s in stages if s.pk == data["stage"]),
                upload=data["upload"],
                caption=data["caption"],
                taken_on=data["taken_on"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("照片已上传。"))
            return redirect("lift_photos", project.pk)
    return _page(request, project, form=form, status=400)


@login_required
@require_POST
def lift_photo_delete(request, photo_id: int):
    photo = selectors_photos.access_photo(request.user, photo_id)
    require_perm(request, CHANGE_PERM, photo.project)
    try:
        services.photo_delete(actor=request.user, photo=photo)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("照片已删除。"))
    return redirect("lift_photos", photo.project_id)


@login_required
@require_GET
def lift_photo_full(request, photo_id: int):
    return photo_file_response(selectors_photos.access_photo(request.user, photo_id), "full")


@login_required
@require_GET
def lift_photo_thumb(request, photo_id: int):
    return photo_file_response(selectors_photos.access_photo(request.user, photo_id), "thumb")
