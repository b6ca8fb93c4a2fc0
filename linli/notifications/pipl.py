"""PIPL rights over notifications: a person's inbox in the copy of their data (art. 45), and their name
taken out of what the reminders wrote about them when a moved-out person is anonymised (art. 47).
Registered with the registry in NotificationsConfig.ready(); the contract is in the docstring of
linli.registry.pipl.

A person's notifications are those sent to their sign-in (`Resident.user`) about their community; their
preferences are their own settings. Nothing here names the person but the reminders sent to *others* about
the person's duties (the group leaders' "who is on duty" and "could not be reminded" messages, the
digests gathering them) and the duty-reminder job's notes for the staff: in those the old name is replaced
by the anonymised one, as the registry does in reasons typed for reveals. The records themselves stay
(they are the record of what was sent); the person's own inbox holds no name and stays with their sign-in.
"""

from __future__ import annotations

from django.db.models import Q

from linli.jobs.models import JobRunNote
from linli.notifications.models import Digest, Notification, Preference
from linli.organizing.models import Duty, Volunteer
from linli.registry.models import Resident
from linli.registry.pipl import Anonymisation

DUTY_KEY_PREFIX = "duty:"  # notifications.reminders: dedupe keys "duty:<duty id>:<start>:<what>"
JOB_PREFIX = "notifications."


def person_sections(resident: Resident) -> dict:
    """The notifications sections of `registry.pipl.person_data`: the inbox of the person's sign-in in
    their community, with how each message went out, and their notification settings."""
    if resident.user_id is None:
        return {"notifications": [], "notification_preferences": []}
    inbox = (
        Notification.objects.filter(recipient_id=resident.user_id, community_id=resident.community_id)
        .prefetch_related("deliveries")
        .order_by("created_at", "pk")
    )
    preferences = Preference.objects.filter(user_id=resident.user_id).order_by("kind")
    return {
        "notifications": [
            {
                "kind": n.kind,
                "kind_label": n.get_kind_display(),
                "title": n.title,
                "body": n.body,
                "created_at": n.created_at,
                "read_at": n.read_at,
                "mode": n.mode,
                "deliveries": [
                    {"channel": d.channel, "status": d.status, "sent_at": d.sent_at}
                    for d in sorted(n.deliveries.all(), key=lambda d: d.pk)
                ],
            }
            for n in inbox
        ],
        "notification_preferences": [
            {
                "kind": p.kind,
                "kind_label": p.get_kind_display(),
                "mode": p.mode,
                "mode_label": p.get_mode_display(),
                "channels": p.channels,
            }
            for p in preferences
        ],
    }


def _duty_id(dedupe_key: str) -> int | None:
    parts = dedupe_key.split(":")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def anonymise_person(done: Anonymisation) -> None:
    """Replace the old name by the new one in the messages about the person's duties, in the digests
    holding them, and in the duty-reminder job's notes about their community."""
    old, new = done.old_name, done.new_name
    if not old:
        return
    cid = done.resident.community_id
    duties = set(
        Duty.objects.filter(community_id=cid, volunteer__resident_id=done.resident.pk).values_list(
            "pk", flat=True
        )
    )
    digests = set()
    if duties:
        about = Notification.objects.filter(community_id=cid, dedupe_key__startswith=DUTY_KEY_PREFIX).filter(
            Q(title__contains=old) | Q(body__contains=old)
        )
        for notification in about:
            if _duty_id(notification.dedupe_key) not in duties:
                continue
            notification.title = notification.title.replace(old, new)
            notification.body = notification.body.replace(old, new)
            notification.save(update_fields=["title", "body"])
            if notification.digest_id:
                digests.add(notification.digest_id)
    for digest in Digest.objects.filter(pk__in=digests):
        digest.title = digest.title.replace(old, new)
        digest.body = digest.body.replace(old, new)
        digest.save(update_fields=["title", "body"])
    # The job's notes name the volunteer without a link to them: with a namesake in the community, whose
    # note it is cannot be told, and they stay as written until the run records are pruned
    # (LINLI_JOB_RUNS_KEEP_DAYS).
    namesake = (
        Resident.objects.filter(community_id=cid, name=old).exclude(pk=done.resident.pk).exists()
        or Volunteer.objects.filter(community_id=cid, resident__isnull=True, name=old).exists()
    )
    if namesake:
        return
    notes = JobRunNote.objects.filter(
        community_id=cid, run__name__startswith=JOB_PREFIX, message__contains=old
    )
    for note in notes:
        note.message = note.message.replace(old, new)
        note.save(update_fields=["message"])
