"""Permissions of public notices (公示): written with the conventions' rules in rules_conventions.py,
which share their predicates (a notice reaches the same people a convention does)."""

from linli.deliberation import rules_conventions  # noqa: F401
