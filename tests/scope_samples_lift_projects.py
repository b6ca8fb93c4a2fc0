"""Scope-matrix samples for the lift app's project pages: a project in building 1 (staff and its building
leader), one in building 2 (staff only), one in the neighbouring community (its staff, the outsider) and
one in the far community (nobody). Every lift area adds its own `tests/scope_samples_lift_<area>.py`
with a `samples(world) -> dict` for the URL parameters it introduces; the matrix merges them all."""

import datetime as dt


def projects(world) -> list:
    """(project, roles) per sample, made once per world."""
    made = world.__dict__.get("_matrix_lift_projects")
    if made is not None:
        return made
    from linli.elevators.models import LiftProject, StageRecord
    from linli.elevators.services_projects import stages_ensure

    def project(entrance, roles):
        stages = stages_ensure(entrance.community_id)
        p = LiftProject.objects.create(
            community_id=entrance.community_id,
            building_id=entrance.building_id,
            entrance=entrance,
            started_on=dt.date(2026, 3, 1),
        )
        StageRecord.objects.create(
            community_id=p.community_id, project=p, stage=stages[0], started_on=dt.date(2026, 3, 1)
        )
        return (p, roles)

    made = world.__dict__["_matrix_lift_projects"] = [
        project(world.entrance_1, {"staff", "building_leader"}),
        project(world.li.household.flat.entrance, {"staff"}),  # building 2
        project(world.wu.household.flat.entrance, {"outsider"}),
        project(world.zheng.household.flat.entrance, set()),
    ]
    return made


def documents(world) -> list:
    """(document, roles): one PDF per sample project, seen where its project is."""
    made = world.__dict__.get("_matrix_lift_documents")
    if made is not None:
        return made
    from django.core.files.base import ContentFile

    from linli.elevators.models import ProjectDocument

    rows = []
    for project, roles in projects(world):
        document = ProjectDocument(community_id=project.community_id, project=project, title="方案")
        document.file.save("plan.pdf", ContentFile(b"%PDF-1.4 sample"), save=True)
        rows.append((document, roles))
    made = world.__dict__["_matrix_lift_documents"] = rows
    return made


def samples(world) -> dict:
    return {"project_id": projects(world), "document_id": documents(world)}
