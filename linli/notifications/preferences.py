"""How each person wants each kind of notification, and the defaults when they never said.

The defaults answer the first complaint about civic platforms — too many messages: people who lead
(committee staff, building and group leaders) get one daily digest instead of a message per event; a
reminder that is only useful on time (a volunteer's own duty) comes at once to everyone. Channels default
to every channel the site has enabled; a channel the site no longer enables is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from linli.core.models import Role, User
from linli.core.scope import scope_for
from linli.notifications.channels import enabled_channels
from linli.notifications.models import Kind, Mode, Preference

LEADER_ROLES = frozenset({Role.STAFF, Role.BUILDING_LEADER, Role.GROUP_LEADER})
# Kinds that lose their use when late: instant by default, whatever the role.
TIME_SENSITIVE = frozenset({Kind.DUTY_REMINDER, Kind.LIFT_REGISTRATION_OVERDUE})


@dataclass(frozen=True)
class Choice:
    mode: str
    channels: tuple[str, ...]
    is_default: bool = False


def default_mode(kind: str, roles: set[str] | frozenset[str]) -> str:
    if kind in TIME_SENSITIVE:
        return Mode.INSTANT
    if LEADER_ROLES & set(roles):
        return Mode.DIGEST
    return Mode.INSTANT


def resolve(kind: str, *, stored: Preference | None, roles, enabled: list[str]) -> Choice:
    """A person's choice for `kind`: the stored one (limited to enabled channels) or the default."""
    if stored is None:
        return Choice(default_mode(kind, roles), tuple(enabled), is_default=True)
    return Choice(stored.mode, tuple(c for c in enabled if c in (stored.channels or [])))


def user_roles(user_id: int) -> set[str]:
    """The person's roles as the scope reads them (memberships, and the groups they lead)."""
    user = User.objects.filter(pk=user_id).first()
    return set(scope_for(user).roles) if user is not None else set()


def preferences_of(user_id: int) -> dict[str, Choice]:
    """Every kind's choice for one person: two queries."""
    stored = {p.kind: p for p in Preference.objects.filter(user_id=user_id)}
    roles = user_roles(user_id) if len(stored) < len(Kind.values) else set()
    enabled = enabled_channels()
    return {
        kind: resolve(kind, stored=stored.get(kind), roles=roles, enabled=enabled) for kind in Kind.values
    }


def preference_for(user_id: int, kind: str) -> Choice:
    stored = Preference.objects.filter(user_id=user_id, kind=kind).first()
    roles = user_roles(user_id) if stored is None else set()
    return resolve(kind, stored=stored, roles=roles, enabled=enabled_channels())
