"""Writing the access log (core.AccessLog): who looked at or took out personal data, and who signed in.

One function, `access_record`, used by the reveal, the exports, the imports, the PIPL person export and
anonymisation, and the sign-in signals. It never receives a sensitive value: only the field's *name*, the
stated reason and a small `detail` dict (counts, filters, file names), which the caller must keep free of
ID numbers and phones.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models

from linli.core.models import AccessAction, AccessLog, Community

__all__ = ["AccessAction", "access_record", "client_ip"]


def client_ip(request) -> str | None:
    """The caller's address as Django sees it (REMOTE_ADDR), or None when it is missing or not an IP.

    Forwarded-for headers are not trusted here: a reverse proxy that sets REMOTE_ADDR correctly (or
    a middleware that rewrites it) is the deployment's job, and a spoofable header must not land in a
    record meant for accountability.
    """
    if request is None:
        return None
    raw = (getattr(request, "META", {}) or {}).get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def _community_of(obj: Any) -> Community | None:
    if obj is None:
        return None
    if isinstance(obj, Community):
        return obj
    community = getattr(obj, "community", None)
    return community if isinstance(community, Community) else None


def access_record(
    *,
    user,
    action: str,
    community: Community | None = None,
    obj: models.Model | None = None,
    field: str = "",
    reason: str = "",
    detail: dict | None = None,
    request=None,
    username: str = "",
) -> AccessLog:
    """Write one AccessLog row and return it.

    `user` may be None or anonymous (a failed sign-in: pass `username`, the name that was typed).
    `community` defaults to `obj.community` when the object has one. `obj` is named by its model label
    and primary key (no foreign key, so the record outlives an anonymised or deleted person).
    """
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    real_user = user if (user is not None and getattr(user, "is_authenticated", False)) else None
    if community is None:
        community = _community_of(obj)
    object_type = ""
    object_id = None
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    if not username and real_user is not None:
        username = real_user.get_username()
    return AccessLog.objects.create(
        user=real_user,
        username=(username or "")[:150],
        action=action,
        community=community,
        object_type=object_type[:50],
        object_id=object_id,
        field=(field or "")[:50],
        reason=(reason or "")[:200],
        detail=detail or {},
        ip=client_ip(request),
    )
