"""Reads of the photo wall: a project's photos by stage, one photo for a user (through the scope), and a
resident's view — the projects of their own entrance and their photos, and nothing of anyone else's.

Staff and building leaders reach photos through the scope like every other lift row (`access_photo`).
Residents have no scope over lift rows: the portal finds their household (linli.portal) and asks here
for the projects of that household's entrance only (`projects_for_household`, `household_photo`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import Http404

from linli.core.scope import scope_for
from linli.elevators.models import LiftProject, Photo, Stage
from linli.elevators.selectors_projects import stages_of
from linli.registry.models import Household


@dataclass
class StagePhotos:
    stage: Stage
    photos: list[Photo]


def photo_wall(project: LiftProject) -> list[StagePhotos]:
    """The project's photos grouped by stage, stages in their order, photos by date taken; stages
    without photos are left out. The caller has already checked the user may see the project."""
    photos = list(
        Photo.objects.filter(project=project)
        .select_related("stage")
        .order_by("stage__position", "taken_on", "id")
    )
    by_stage: dict[int, list[Photo]] = {}
    for photo in photos:
        by_stage.setdefault(photo.stage_id, []).append(photo)
    return [
        StagePhotos(stage=stage, photos=by_stage[stage.pk])
        for stage in stages_of(project.community_id)
        if stage.pk in by_stage
    ]


def access_photo(user, photo_id: int) -> Photo:
    """A photo the user may see through their scope (staff of the community, leaders of the building),
    or Http404."""
    photo = (
        scope_for(user)
        .filter(Photo.objects.all())
        .select_related("project", "stage")
        .filter(pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def _entrance_projects(household: Household):
    return LiftProject.objects.filter(
        community_id=household.community_id, entrance_id=household.flat.entrance_id
    )


def projects_for_household(household: Household | None, *, with_photos: bool = False) -> list[LiftProject]:
    """The lift projects of the household's own entrance (newest first); with `with_photos`, only those
    with at least one photo (what the portal's home page links to)."""
    if household is None:
        return []
    qs = _entrance_projects(household).select_related("building", "entrance__building")
    if with_photos:
        qs = qs.filter(Exists(Photo.objects.filter(project=OuterRef("pk"))))
    return list(qs.order_by("-started_on", "-pk"))


def household_project(household: Household | None, project_id: int) -> LiftProject:
    """A project of the household's own entrance, or Http404 (another entrance's, or no household)."""
    if household is None:
        raise Http404
    project = (
        _entrance_projects(household)
        .select_related("building", "entrance__building")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def household_photo(household: Household | None, photo_id: int) -> Photo:
    """A photo of a project of the household's own entrance, or Http404."""
    if household is None:
        raise Http404
    photo = (
        Photo.objects.filter(project__in=_entrance_projects(household), pk=photo_id)
        .select_related("project")
        .first()
    )
    if photo is None:
        raise Http404
    return photo
