"""`linli rotate_keys`: every encrypted value (residents, owners, their history copies, uploaded ledgers)
re-encrypted under the first key, so the old key can be removed; idempotent; the search hash unchanged."""

import io

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from linli.core.crypto import fernet, keyed_hash
from linli.registry.models import ImportJob, Owner, Resident
from linli.registry.selectors import ResidentFilters, resident_matches

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
ZHAO_PHONE = "13812345678"
# The world was built under the development key; the fixture below writes its values again under A.
# The first history rows stay under the development key, so it stays in the list for the rotation.
OLD = [KEY_A, *settings.LINLI_FIELD_KEYS]


def raw(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def raw_history(model, column: str, pk: int) -> list:
    table = model.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s ORDER BY history_id", [pk])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def rotate(**options) -> str:
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def under_key_a(world):
    """The world's sensitive values written again under key A alone, with history and an upload."""
    residents = list(Resident.objects.filter(pk__in=[world.zhao.pk, world.sun.pk]))  # read under the old key
    with override_settings(LINLI_FIELD_KEYS=[KEY_A]):
        for resident in residents:
            resident.phone = resident.phone or "13900001111"
            resident.save()  # a second history row, under key A too
        owner = Owner.objects.create(
            community=world.community, name="赵产权", id_number=world.zhao.id_number, phone="13700002222"
        )
        job = ImportJob.objects.create(
            community=world.community, file_name="台账.xlsx", content=fernet().encrypt(b"ledger bytes")
        )
    return owner, job


def test_rotation_moves_every_value_to_the_new_key(world, under_key_a):
    owner, job = under_key_a
    before = {
        "resident": raw("registry_resident", "id_number", world.zhao.pk),
        "phone": raw("registry_resident", "phone", world.zhao.pk),
        "owner": raw("registry_owner", "id_number", owner.pk),
        "history": raw_history(Resident, "id_number", world.zhao.pk),
        "job": bytes(raw("registry_importjob", "content", job.pk)),
    }
    hashes = Resident.objects.filter(pk=world.zhao.pk).values_list("id_number_hash", "phone_hash").get()
    with override_settings(LINLI_FIELD_KEYS=[KEY_B, *OLD]):
        out = rotate(batch_size=2)  # small batches: the batching itself is exercised
    assert "registry_resident:" in out and "registry_historicalresident:" in out
    assert "registry_owner:" in out and "registry_importjob:" in out
    assert "0 unreadable" in out.splitlines()[-1]

    with override_settings(LINLI_FIELD_KEYS=[KEY_B]):  # the old key is gone
        zhao = Resident.objects.get(pk=world.zhao.pk)
        assert zhao.id_number == world.zhao.id_number and zhao.phone == ZHAO_PHONE
        assert Resident.objects.get(pk=world.sun.pk).phone == "13900001111"
        assert Owner.objects.get(pk=owner.pk).id_number == world.zhao.id_number
        assert Owner.objects.get(pk=owner.pk).phone == "13700002222"
        assert all(h.id_number == world.zhao.id_number for h in zhao.history.all())
        assert all(h.phone == ZHAO_PHONE for h in zhao.history.all())
        assert (
            Fernet(KEY_B.encode()).decrypt(bytes(ImportJob.objects.get(pk=job.pk).content)) == b"ledger bytes"
        )
        # The keyed hash does not depend on the Fernet keys: search still finds her.
        found = resident_matches(world.staff, world.community, ResidentFilters(q=ZHAO_PHONE))
        assert list(found.values_list("name", flat=True)) == ["赵阿姨"]
    after_hashes = Resident.objects.filter(pk=world.zhao.pk).values_list("id_number_hash", "phone_hash").get()
    assert after_hashes == hashes == (keyed_hash(world.zhao.id_number), keyed_hash(ZHAO_PHONE))

    assert raw("registry_resident", "id_number", world.zhao.pk) != before["resident"]
    assert raw("registry_resident", "phone", world.zhao.pk) != before["phone"]
    assert raw("registry_owner", "id_number", owner.pk) != before["owner"]
    assert all(
        new != old
        for new, old in zip(raw_history(Resident, "id_number", world.zhao.pk), before["history"], strict=True)
    )
    assert bytes(raw("registry_importjob", "content", job.pk)) != before["job"]


def test_rotation_adds_no_history_and_a_second_run_changes_nothing(world, under_key_a):
    history = Resident.history.count()
    with override_settings(LINLI_FIELD_KEYS=[KEY_B, *OLD]):
        first = rotate()
        snapshot = raw("registry_resident", "id_number", world.zhao.pk)
        second = rotate()
    assert Resident.history.count() == history
    assert raw("registry_resident", "id_number", world.zhao.pk) == snapshot
    assert " 0 rotated" not in first.splitlines()[-1]
    assert second.splitlines()[-1].startswith("total: 0 rotated")


def test_dry_run_writes_nothing(world, under_key_a):
    before = raw("registry_resident", "id_number", world.zhao.pk)
    with override_settings(LINLI_FIELD_KEYS=[KEY_B, *OLD]):
        out = rotate(dry_run=True)
    assert "would be rotated" in out
    assert raw("registry_resident", "id_number", world.zhao.pk) == before


def test_a_value_no_key_can_read_is_reported_and_kept(world, under_key_a):
    before = raw("registry_resident", "id_number", world.zhao.pk)
    with override_settings(LINLI_FIELD_KEYS=[KEY_B]), pytest.raises(CommandError, match="无法用任何密钥解密"):
        rotate()
    assert raw("registry_resident", "id_number", world.zhao.pk) == before
