"""Sign-ins, sign-outs and failed sign-ins, written to the access log (core.AccessLog).

Django announces these through its auth signals, whichever way a person signs in (the login form, the
admin, a test client's `login`); a receiver is the one place that sees them all. The receivers only
record: no rule lives here. Sign-in events carry no community (signing in is not an act in one
community); the access log page shows them to the staff of the communities where the user holds a role.

A failed sign-in records the username as typed (it may belong to nobody) and the address it came from;
never the password, which Django has already replaced in `credentials`.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from linli.core.access import access_record
from linli.core.models import AccessAction


@receiver(user_logged_in, dispatch_uid="linli.access.sign_in")
def record_sign_in(sender, request, user, **kwargs) -> None:
    access_record(user=user, action=AccessAction.SIGN_IN, request=request)


@receiver(user_logged_out, dispatch_uid="linli.access.sign_out")
def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is None:  # signing out when not signed in
        return
    access_record(user=user, action=AccessAction.SIGN_OUT, request=request)


@receiver(user_login_failed, dispatch_uid="linli.access.sign_in_failed")
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    typed = credentials.get("username") or ""
    access_record(
        user=None,
        action=AccessAction.SIGN_IN_FAILED,
        username=str(typed).strip(),
        request=request,
    )
