"""Jobs of the deliberation app; linli.jobs autodiscovers this module, which imports each area's jobs."""

from linli.deliberation import tasks_notices  # noqa: F401
