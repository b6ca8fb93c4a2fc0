"""Scope-matrix samples for the photo wall: a photo in each sample project (tests/scope_samples_lift_
projects.py) for the staff pages' `photo_id`, and the residents' portal parameters: the portal shows a
project and its photos to residents of the project's entrance only (the resident actor lives in building
1's entrance), never through a staff role."""

import datetime as dt

from tests.scope_samples_lift_projects import projects


def photos(world) -> list:
    """(photo, roles) per sample project, made once per world. The files do not exist: the walk only
    needs the rows (a missing file is a 404 for whoever may see the row)."""
    made = world.__dict__.get("_matrix_lift_photos")
    if made is not None:
        return made
    from linli.elevators.models import Photo, Stage

    def photo(project):
        stage = Stage.objects.filter(community_id=project.community_id).order_by("position").first()
        return Photo.objects.create(
            community_id=project.community_id,
            project=project,
            stage=stage,
            image=f"lifts/matrix/{project.pk}.jpg",
            thumbnail=f"lifts/matrix/{project.pk}-thumb.jpg",
            caption="井道基础",
            taken_on=dt.date(2026, 3, 2),
        )

    made = world.__dict__["_matrix_lift_photos"] = [(photo(p), roles) for p, roles in projects(world)]
    return made


def _portal_roles(world, project) -> set[str]:
    return {"resident"} if project.entrance_id == world.own_household.flat.entrance_id else set()


def samples(world) -> dict:
    return {
        "photo_id": photos(world),
        "lift_project_id": [(p, _portal_roles(world, p)) for p, _ in projects(world)],
        "lift_photo_id": [(ph, _portal_roles(world, ph.project)) for ph, _ in photos(world)],
    }
