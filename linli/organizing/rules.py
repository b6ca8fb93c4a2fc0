"""Permissions of the organizing app, one module per area; django-rules autodiscovers this module,
which imports each area's rules so they are registered."""

from linli.organizing import (
    rules_groups,  # noqa: F401
    rules_party,  # noqa: F401
    rules_volunteers,  # noqa: F401
)
