"""Sending the sign-in code by SMS: one small interface, and the sender the site is configured with.

The portal never imports linli.notifications (it sits above the portal in the dependency order, and a
sign-in code must not wait in a queue or a digest): it sends through a `SmsSender` chosen by the setting
`LINLI_PORTAL_SMS_SENDER`, a dotted path to a class. Development and the tests use `ConsoleSmsSender`,
which writes the message to the log and keeps it in `outbox` (the browser test reads the code there: the
live server runs in the test process). Production names a provider's adapter, e.g.
`LINLI_PORTAL_SMS_SENDER = "mysite.sms.AliyunSender"`; without one, outside DEBUG and tests, the portal
refuses to send rather than print codes to a log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.core.errors import DomainError

log = logging.getLogger("linli.portal.sms")

CONSOLE = "linli.portal.sms.ConsoleSmsSender"


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsSender:
    """Sends one text message. Raise `SmsNotSent` when the provider refuses or cannot be reached."""

    def send(self, *, phone: str, text: str) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class SmsNotSent(Exception):
    pass


class ConsoleSmsSender(SmsSender):
    """Development and tests: the message goes to the log and to `outbox`, nowhere else."""

    outbox: list[SmsMessage] = []

    def send(self, *, phone: str, text: str) -> None:
        ConsoleSmsSender.outbox.append(SmsMessage(phone=phone, text=text))
        log.info("SMS to %s: %s", f"{phone[:3]}****{phone[-4:]}", text)


def sender() -> SmsSender:
    path = getattr(settings, "LINLI_PORTAL_SMS_SENDER", "") or ""
    if not path:
        if not (settings.DEBUG or getattr(settings, "TESTING", False)):
            raise DomainError(_("短信服务尚未配置，暂时无法发送验证码，请联系居委会。"))
        path = CONSOLE
    return import_string(path)()
