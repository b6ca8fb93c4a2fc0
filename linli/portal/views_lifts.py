"""The resident's view of their entrance's lift project: the photo wall, and its photo files.

A resident sees the projects of their own household's entrance (the household the portal signs them in
for, `selectors.portal_household_for`) and nothing else: another entrance's project or photo, or no
household at all, is a 404 — the same answer as a project that does not exist. The files are served by
the lift app's own response helper (private to the browser, never a public media URL).
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from linli.elevators import selectors_photos
from linli.elevators.views_photos import photo_file_response
from linli.portal import selectors
from linli.portal.views import resident_required


@resident_required
@require_GET
def lift_photos(request, lift_project_id: int):
    household = selectors.portal_household_for(request.user)
    project = selectors_photos.household_project(household, lift_project_id)
    return render(
        request,
        "portal/lift_photos.html",
        {"project": project, "wall": selectors_photos.photo_wall(project)},
    )


def _photo(request, lift_photo_id: int):
    return selectors_photos.household_photo(selectors.portal_household_for(request.user), lift_photo_id)


@resident_required
@require_GET
def lift_photo_full(request, lift_photo_id: int):
    return photo_file_response(_photo(request, lift_photo_id), "full")


@resident_required
@require_GET
def lift_photo_thumb(request, lift_photo_id: int):
    return photo_file_response(_photo(request, lift_photo_id), "thumb")
