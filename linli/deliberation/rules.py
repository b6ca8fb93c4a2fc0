"""Permissions of the deliberation app, one module per area; django-rules autodiscovers this module,
which imports each area's rules so they are registered."""

from linli.deliberation import (  # noqa: F401, E402
    rules_conventions,
    rules_meetings,  # noqa: E402, F401
    rules_notices,
    rules_votes,  # noqa: E402, F401
)
