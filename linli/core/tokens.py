"""Bearer tokens for the JSON API.

A token is shown once, when it is made; only its SHA-256 hash is stored, so a copy of the database does
not hand out working tokens. SHA-256 without a salt is enough here (unlike passwords): the token is 256
random bits, so there is nothing to guess and a lookup by hash stays one indexed query.
"""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from linli.core.models import ApiToken, User

# The prefix lets secret scanners (and people) recognise a Linli token pasted somewhere it should not be.
PREFIX = "linli_"
# Writing last_used_at on every request would turn each read into a write; once a minute is enough to
# tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_hash(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


@transaction.atomic
def token_create(user: User, name: str) -> str:
    """Make a token for `user`, labelled `name`; returns the clear token, which is not stored."""
    clear = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name.strip()[:100], token_hash=token_hash(clear))
    return clear


def token_user(clear: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user a clear token belongs to, or None; notes when the token was last used."""
    if not clear or not clear.startswith(PREFIX) or len(clear) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(clear), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
