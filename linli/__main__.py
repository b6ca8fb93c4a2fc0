"""The `linli` command: Django's manage.py for the installed package."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from linli.env import EnvError, fail_readably

    try:
        settings.INSTALLED_APPS  # noqa: B018 - force settings to load so a bad environment stops here
    except EnvError as exc:
        fail_readably(exc)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
