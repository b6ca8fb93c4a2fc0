"""Encrypted fields when a key is missing: the value reads as a warning and saving never destroys it."""

from django.db import connection
from django.test import override_settings

from linli.registry.models import Resident

OTHER_KEY = "b3RoZXIta2V5LWZvci10aGUtY3J5cHRvLXRlc3QtMzI="


def raw_phone(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM registry_resident WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_saving_a_row_whose_value_no_key_opens_keeps_the_stored_token(world):
    before = raw_phone(world.zhao.pk)
    with override_settings(LINLI_FIELD_KEYS=[OTHER_KEY]):
        zhao = Resident.objects.get(pk=world.zhao.pk)
        assert zhao.phone == "⚠ 无法解密"
        zhao.notes = "改了备注"
        zhao.save()
    assert raw_phone(world.zhao.pk) == before
    assert Resident.objects.get(pk=world.zhao.pk).phone == "13812345678"
