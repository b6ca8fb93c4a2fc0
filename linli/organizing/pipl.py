"""PIPL rights over what the organizing app holds about a person: their sections of the copy of one
person's data (art. 45) and their part of the anonymisation of a moved-out person (art. 47). Registered
with the registry in OrganizingConfig.ready(); the contract is in the docstring of linli.registry.pipl.

The copy (`person_sections`): group memberships with their dates; the posts held (group and building-group
leader or deputy, with the periods the change history shows; lift-trio seats); volunteer records, their
service records with hours, their duties; the talent record with skills and availability; in-service
party-member records and identity posts. The person's own phone is in clear, as in the registry's part.

The anonymisation (`anonymise_person`), in the style of the registry's:

- Copies of personal data are scrubbed in the live rows and in every history row of those rows: an
  in-service record linked to the person takes the resident's new name and loses phone, its hash, work
  unit and the free text of their services; a volunteer record loses its name and phone copies and its
  note; the person's service records lose their notes; the talent record loses its description. The
  admin's change log names these rows by str() (the old name): renamed there too.
- Posts end: a moved-out person leads nothing. Leader and deputy posts of groups and building groups are
  emptied (pages would otherwise keep showing an anonymised leader, and the building-group form refuses
  a moved-out leader on its next save), lift-trio seats are freed, identity posts end on the day the
  person moved out (or the day they began, if later).
- Kept, because the figures are made of them: memberships with their dates, volunteer records with their
  dates, availability and minor flag, service records with date, hours, activity, group and confirmation,
  duties, skills, in-service registration dates, branch and group. Hour totals per group and month and
  volunteer counts are the same before and after (tests/test_pipl_organizing_anonymise.py).
- Every live change is one history entry per row ("anonymise", by the actor; the retention job has none),
  as for the resident row. Free text about other things (a duty's task, a record's activity) stays.
"""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from linli.organizing.models import (
    BuildingGroup,
    Duty,
    Group,
    GroupMember,
    IdentityPost,
    InServiceMember,
    LiftTrioMember,
    ServiceRecord,
    Talent,
    Volunteer,
)
from linli.organizing.models.volunteers import availability_label, availability_slots, hours_label
from linli.registry.history import history_copy
from linli.registry.models import Resident
from linli.registry.pipl import Anonymisation

CHANGE_REASON = "anonymise"
# (section kind, model, post): the posts of a person written on group rows (linli.core.scope reads them).
POSTS = (
    ("group", Group, "leader"),
    ("group", Group, "deputy"),
    ("building_group", BuildingGroup, "leader"),
    ("building_group", BuildingGroup, "deputy"),
)


def _user(user) -> str | None:
    return str(user) if user is not None else None


# ── The copy of one person's data ────────────────────────────────────────────────────────────────


def _post_periods(resident: Resident) -> list[dict]:
    """Each period in which the person held a post, from the rows' change history (`since`/`until` are
    the times of the changes), and a current post the history does not show (written without it) with
    `since` unknown."""
    rid, cid = resident.pk, resident.community_id
    periods = []
    for kind, model, post in POSTS:
        column = f"{post}_id"
        history = model.history.model
        ids = set(history.objects.filter(community_id=cid, **{column: rid}).values_list("id", flat=True))
        live_qs = model.objects.filter(community_id=cid)
        if model is BuildingGroup:
            live_qs = live_qs.select_related("building", "entrance__building")
        holding_now = set(live_qs.filter(**{column: rid}).values_list("pk", flat=True))
        live = {obj.pk: obj for obj in live_qs.filter(pk__in=ids | holding_now)}
        for obj_id in sorted(ids | holding_now):
            rows = list(
                history.objects.filter(id=obj_id)
                .order_by("history_date", "history_id")
                .values(column, "history_type", "history_date", "name")
            )
            label = str(live[obj_id]) if obj_id in live else (rows[-1]["name"] if rows else "")
            since, holding = None, False
            for row in rows:
                holds = row[column] == rid and row["history_type"] != "-"
                if holds and not holding:
                    since = row["history_date"]
                elif holding and not holds:
                    periods.append(
                        {
                            "kind": kind,
                            "id": obj_id,
                            "name": label,
                            "post": post,
                            "since": since,
                            "until": row["history_date"],
                            "current": False,
                        }
                    )
                holding = holds
            current = obj_id in holding_now
            if holding or current:
                periods.append(
                    {
                        "kind": kind,
                        "id": obj_id,
                        "name": label,
                        "post": post,
                        "since": since if holding else None,
                        "until": None,
                        "current": current,
                    }
                )
    return sorted(periods, key=lambda p: (p["since"] is None, p["since"] or 0, p["kind"], p["id"]))


def _lift_trio_seats(resident: Resident) -> list[dict]:
    """Seats in a building's lift trio, now and before (from the history: taken and freed)."""
    rid, cid = resident.pk, resident.community_id
    history = LiftTrioMember.history.model
    rows = history.objects.filter(community_id=cid, resident_id=rid).order_by("history_date", "history_id")
    live = {
        seat.pk: seat
        for seat in LiftTrioMember.objects.filter(community_id=cid, resident_id=rid).select_related(
            "building_group__building", "building_group__entrance__building"
        )
    }
    seats: dict[int, dict] = {}
    for row in rows.values("id", "building_group_id", "seat", "history_type", "history_date"):
        seat = seats.setdefault(
            row["id"],
            {
                "building_group_id": row["building_group_id"],
                "seat": row["seat"],
                "since": None,
                "until": None,
            },
        )
        if row["history_type"] == "+":
            seat["since"] = row["history_date"]
        elif row["history_type"] == "-":
            seat["until"] = row["history_date"]
    for pk, member in live.items():
        seats.setdefault(
            pk,
            {
                "building_group_id": member.building_group_id,
                "seat": member.seat,
                "since": None,
                "until": None,
            },
        )
    names = {
        bg.pk: str(bg)
        for bg in BuildingGroup.objects.filter(
            pk__in={s["building_group_id"] for s in seats.values()}
        ).select_related("building", "entrance__building")
    }
    return [
        {
            "building_group": names.get(seat["building_group_id"], ""),
            "building_group_id": seat["building_group_id"],
            "seat": seat["seat"],
            "since": seat["since"],
            "until": seat["until"],
            "current": pk in live,
        }
        for pk, seat in sorted(seats.items())
    ]


def person_sections(resident: Resident) -> dict:
    """The organizing app's sections of `registry.pipl.person_data`: only rows of the person's own
    community, every section present (empty when there is nothing)."""
    rid, cid = resident.pk, resident.community_id
    memberships = (
        GroupMember.objects.filter(community_id=cid, resident_id=rid)
        .select_related("group")
        .order_by("joined_on", "pk")
    )
    volunteers = list(
        Volunteer.objects.filter(community_id=cid, resident_id=rid).select_related("user").order_by("pk")
    )
    volunteer_ids = [v.pk for v in volunteers]
    records = (
        ServiceRecord.objects.filter(community_id=cid, volunteer_id__in=volunteer_ids)
        .select_related("group", "recorded_by", "confirmed_by")
        .order_by("date", "pk")
    )
    duties = (
        Duty.objects.filter(community_id=cid, volunteer_id__in=volunteer_ids)
        .select_related("group", "created_by")
        .order_by("starts_at", "pk")
    )
    talent = (
        Talent.objects.filter(community_id=cid, resident_id=rid)
        .select_related("updated_by")
        .prefetch_related("skills")
        .first()
    )
    in_service = list(
        InServiceMember.objects.filter(community_id=cid, resident_id=rid)
        .select_related("branch", "group")
        .order_by("registered_on", "pk")
    )
    posts = (
        IdentityPost.objects.filter(community_id=cid)
        .filter(Q(resident_id=rid) | Q(in_service__in=[m.pk for m in in_service]))
        .order_by("started_on", "pk")
    )
    return {
        "group_memberships": [
            {
                "group_id": m.group_id,
                "group": m.group.name,
                "joined_on": m.joined_on,
                "left_on": m.left_on,
            }
            for m in memberships
        ],
        "group_posts": _post_periods(resident),
        "lift_trio_seats": _lift_trio_seats(resident),
        "volunteer_records": [
            {
                "id": v.pk,
                "name": v.name,
                "phone": v.phone,
                "sign_in": _user(v.user),
                "registered_on": v.registered_on,
                "left_on": v.left_on,
                "is_minor": v.is_minor,
                "guardian_consent_id": v.guardian_consent_id,
                "availability": availability_slots(v.availability),
                "availability_label": availability_label(v.availability),
                "note": v.note,
            }
            for v in volunteers
        ],
        "service_records": [
            {
                "id": r.pk,
                "volunteer_id": r.volunteer_id,
                "date": r.date,
                "hours": hours_label(r.hours),
                "activity": r.activity,
                "group": r.group.name if r.group_id else None,
                "duty_id": r.duty_id,
                "note": r.note,
                "recorded_by": _user(r.recorded_by),
                "recorded_at": r.recorded_at,
                "confirmed": r.is_confirmed,
                "confirmed_by": _user(r.confirmed_by),
                "confirmed_at": r.confirmed_at,
            }
            for r in records
        ],
        "duties": [
            {
                "id": d.pk,
                "volunteer_id": d.volunteer_id,
                "task": d.task,
                "place": d.place,
                "starts_at": d.starts_at,
                "ends_at": d.ends_at,
                "group": d.group.name if d.group_id else None,
                "arranged_by": _user(d.created_by),
            }
            for d in duties
        ],
        "talent": None
        if talent is None
        else {
            "description": talent.description,
            "skills": [
                {"category": s.category, "label": s.get_category_display()}
                for s in sorted(talent.skills.all(), key=lambda s: s.category)
            ],
            "availability": availability_slots(talent.availability),
            "availability_label": availability_label(talent.availability),
            "willingness": talent.willingness,
            "willingness_label": talent.get_willingness_display(),
            "updated_by": _user(talent.updated_by),
            "updated_at": talent.updated_at,
        },
        "in_service_records": [
            {
                "id": m.pk,
                "name": m.name,
                "phone": m.phone,
                "work_unit": m.work_unit,
                "branch": m.branch.name if m.branch_id else None,
                "registered_on": m.registered_on,
                "left_on": m.left_on,
                "services": m.services,
                "group": m.group.name if m.group_id else None,
            }
            for m in in_service
        ],
        "identity_posts": [
            {
                "post": p.post,
                "started_on": p.started_on,
                "ended_on": p.ended_on,
                "as": "resident" if p.resident_id else "in_service",
                "in_service_id": p.in_service_id,
            }
            for p in posts
        ],
    }


# ── Anonymisation ────────────────────────────────────────────────────────────────────────────────


def _scrub(model: type[models.Model], rows: models.QuerySet, values: dict, *, actor) -> list[int]:
    """Give `rows` these values — live, and in every history row of them — recording one history entry
    per row that changed. Returns the ids of all the rows."""
    pks = list(rows.values_list("pk", flat=True))
    if not pks:
        return pks
    changed = list(model.objects.filter(pk__in=pks).exclude(Q(**values)).values_list("pk", flat=True))
    if changed:
        model.objects.filter(pk__in=changed).update(**values)
        history_copy(model, pks=changed, history_type="~", user=actor, change_reason=CHANGE_REASON)
    model.history.filter(id__in=pks).update(**values)
    return pks


def _end_posts(done: Anonymisation) -> None:
    resident = done.resident
    rid, cid = resident.pk, resident.community_id
    for model in (Group, BuildingGroup):
        held = set()
        for post in ("leader", "deputy"):
            rows = model.objects.filter(community_id=cid, **{f"{post}_id": rid})
            held |= set(rows.values_list("pk", flat=True))
            rows.update(**{post: None})
        if held:
            history_copy(
                model, pks=sorted(held), history_type="~", user=done.actor, change_reason=CHANGE_REASON
            )
    # A seat has no dates: it is freed, and its history keeps when it was taken and freed.
    for seat in LiftTrioMember.objects.filter(community_id=cid, resident_id=rid):
        seat._history_user = done.actor
        seat._change_reason = CHANGE_REASON
        seat.delete()
    members = InServiceMember.objects.filter(community_id=cid, resident_id=rid).values_list("pk", flat=True)
    current = IdentityPost.objects.filter(community_id=cid, ended_on__isnull=True).filter(
        Q(resident_id=rid) | Q(in_service__in=list(members))
    )
    ending = list(current.values_list("pk", flat=True))
    if ending:
        moved_out = resident.moved_out or timezone.localdate()
        posts = IdentityPost.objects.filter(pk__in=ending)
        posts.filter(started_on__lte=moved_out).update(ended_on=moved_out)
        posts.filter(started_on__gt=moved_out).update(ended_on=F("started_on"))
        history_copy(IdentityPost, pks=ending, history_type="~", user=done.actor, change_reason=CHANGE_REASON)


def anonymise_person(done: Anonymisation) -> None:
    """The organizing app's step of the anonymisation of a moved-out person (see the module docstring)."""
    resident = done.resident
    rid, cid = resident.pk, resident.community_id
    _end_posts(done)
    renamed: dict[type[models.Model], list[int]] = {}
    renamed[InServiceMember] = _scrub(
        InServiceMember,
        InServiceMember.objects.filter(community_id=cid, resident_id=rid),
        {"name": done.new_name, "phone": "", "phone_hash": "", "work_unit": "", "services": ""},
        actor=done.actor,
    )
    volunteers = _scrub(
        Volunteer,
        Volunteer.objects.filter(community_id=cid, resident_id=rid),
        {"name": "", "phone": "", "note": ""},
        actor=done.actor,
    )
    renamed[Volunteer] = volunteers
    renamed[ServiceRecord] = _scrub(
        ServiceRecord,
        ServiceRecord.objects.filter(volunteer_id__in=volunteers),
        {"note": ""},
        actor=done.actor,
    )
    renamed[Talent] = _scrub(
        Talent,
        Talent.objects.filter(community_id=cid, resident_id=rid),
        {"description": ""},
        actor=done.actor,
    )
    renamed[GroupMember] = list(
        GroupMember.objects.filter(community_id=cid, resident_id=rid).values_list("pk", flat=True)
    )
    renamed[LiftTrioMember] = list(
        LiftTrioMember.history.filter(community_id=cid, resident_id=rid).values_list("id", flat=True)
    )
    # The admin's change log names these rows by str(), which carries the old name.
    for model, pks in renamed.items():
        if not pks:
            continue
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
            object_repr__contains=done.old_name,
        )
        for entry in entries:
            entry.object_repr = entry.object_repr.replace(done.old_name, done.new_name)
            entry.save(update_fields=["object_repr"])
