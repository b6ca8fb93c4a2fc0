"""History rows written in bulk, and the tags' part of a resident's history.

simple-history's bulk helpers (`bulk_create_with_history`) build a historical object in Python for every
row and send its values to the database a second time, encrypting each sensitive field again (a new
Fernet token per value) although the row was encrypted a moment before. For a ledger of 10,000 residents
that is a second bulk write as costly as the first. `history_copy` instead lets the database copy the
rows just written into their history table (`INSERT … SELECT`): the same values, the ciphertext
included, in a few statements and with nothing read back into Python. The columns come from the
historical model itself, so a field added to the model is copied without a change here; a historical
model with columns this copy would leave empty is refused loudly.

A resident's tags (`Resident.tags`) are recorded by simple-history's `m2m_fields`: every historical row
carries a snapshot of the tags as they were then, so the change-history tab shows tags old → new. The
library records a change of tags as a history entry of its own; a write that changes the record and its
tags must leave one entry, so the services change the tags with the history paused (`history_paused`)
and let the save that follows record both — or, for a resident just created, add the tags to the entry
the creation made (`history_tags_snapshot`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone
from simple_history.utils import get_m2m_field_name

BATCH = 1000  # ids per statement
HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}


def history_copy(
    model: type[models.Model],
    *,
    pks: Iterable[int],
    history_type: str,
    user,
    when: dt.datetime | None = None,
    change_reason: str | None = None,
) -> dt.datetime:
    """One historical row per row of `model` with these pks, copied by the database from the rows as
    they are now (call it after the write, in the same transaction), with the tags (or any m2m field the
    history tracks) as they are now. `history_type` is "+" for created rows, "~" for changed ones.
    Returns the history date written (one for all the rows: they changed together)."""
    if history_type not in ("+", "~"):
        raise ValueError(history_type)
    history = model.history.model
    source = [f.column for f in history.tracked_fields]
    left = {f.column for f in history._meta.concrete_fields} - set(source) - HISTORY_COLUMNS
    if left:
        raise ImproperlyConfigured(
            f"{history.__name__} has columns a copy of {model.__name__} would leave empty: {sorted(left)}"
        )
    when = when or timezone.now()
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in source)
    stamp = connection.ops.adapt_datetimefield_value(when)
    pk_column = qn(model._meta.pk.column)
    pks = list(pks)
    # Names from the models, quoted; values bound.
    insert = (
        f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason,"  # noqa: S608
        f" history_type, history_user_id) SELECT {columns}, %s, %s, %s, %s FROM {qn(model._meta.db_table)}"
        f" WHERE {pk_column} IN "
    )
    with connection.cursor() as cursor:
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            cursor.execute(
                insert + _placeholders(batch),
                [stamp, change_reason, history_type, user.pk if user is not None else None, *batch],
            )
            _m2m_copy(model, cursor, batch, stamp)
    return when


def _m2m_copy(model, cursor, pks: list[int], stamp) -> None:
    """The tracked m2m rows of these objects, as they are now, attached to their history rows of `stamp`."""
    history = model.history.model
    qn = connection.ops.quote_name
    object_column = qn(history._meta.get_field(model._meta.pk.name).column)
    for field in history._history_m2m_fields:
        through = field.remote_field.through
        snapshot = getattr(history, field.name).model
        columns = [f.column for f in through._meta.concrete_fields]
        owner = qn(through._meta.get_field(get_m2m_field_name(field)).column)
        listed = ", ".join(qn(c) for c in columns)
        picked = ", ".join(f"t.{qn(c)}" for c in columns)
        history_fk = qn(snapshot._meta.get_field("history").column)
        insert = (
            f"INSERT INTO {qn(snapshot._meta.db_table)} ({listed}, {history_fk})"  # noqa: S608
            f" SELECT {picked}, h.history_id FROM {qn(through._meta.db_table)} t"
            f" JOIN {qn(history._meta.db_table)} h ON h.{object_column} = t.{owner} AND h.history_date = %s"
            f" WHERE t.{owner} IN "
        )
        cursor.execute(insert + _placeholders(pks), [stamp, *pks])


def _placeholders(values: list) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def history_tags_snapshot(resident) -> None:
    """Add the resident's tags as they are now to their latest history entry (the one their creation
    made, before the tags could be set)."""
    from linli.registry.models import Resident

    history = Resident.history.model
    latest = history.objects.filter(id=resident.pk).order_by("-history_id").first()
    if latest is None:
        return
    snapshot = history.tags.model
    through = Resident.tags.through
    snapshot.objects.filter(history=latest).delete()
    snapshot.objects.bulk_create(
        snapshot(history=latest, id=link.id, resident_id=link.resident_id, tag_id=link.tag_id)
        for link in through.objects.filter(resident_id=resident.pk)
    )


@contextlib.contextmanager
def history_paused(instance) -> Iterator[None]:
    """Changes to the instance's m2m fields (and saves) inside make no history entry of their own: the
    save that follows (or `history_tags_snapshot`) records them, so one write stays one entry."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
