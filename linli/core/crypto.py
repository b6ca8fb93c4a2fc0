"""Encryption at rest for sensitive personal data, and keyed hashes to search it.

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`; MultiFernet so several keys may be active:
the first encrypts, all decrypt, and `rotate_value` re-encrypts under the first (see
docs/operations.md for the rotation procedure). The keyed hash (HMAC-SHA256 with LINLI_HASH_KEY) of
the normalised value lets the registry find a resident by ID number or phone and enforce uniqueness
without storing either in clear.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.LINLI_FIELD_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def rotate_value(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    if not value:
        return ""
    return hmac.new(settings.LINLI_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.TextField):
    """A text value stored as a Fernet token; empty strings stay empty (nothing to protect)."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value or ""
        try:
            return decrypt(value)
        except InvalidToken:
            # A key was removed before rotation finished; never show the ciphertext as data.
            return Undecryptable(value)

    def get_prep_value(self, value):
        if isinstance(value, Undecryptable):
            # Saving the placeholder would encrypt it over the real value: keep the stored token instead.
            return value.token
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(value)


class Undecryptable(str):
    """What an encrypted field holds when no configured key opens it: it reads as a warning, and saving the
    row writes the original token back unchanged, so a missing key never destroys data."""

    token: str

    def __new__(cls, token: str):
        shown = super().__new__(cls, str(_("⚠ 无法解密")))
        shown.token = token
        return shown
