"""Delivery channels behind one small interface, so a provider is a class to write, not a change here.

A channel is enabled for the site by LINLI_NOTIFY_CHANNELS. `console` writes to the log (development);
`email` sends through Django's email backend (EMAIL_HOST …); `sms` and `wechat` are adapters waiting for a
provider: until a deployment names its own class in settings.LINLI_CHANNEL_CLASSES (e.g.
{"sms": "myorg.linli_sms.AliyunSms"}), sending on them raises ChannelNotConfigured, which fails the
delivery visibly rather than pretending it went out.

`send` raises ChannelNotConfigured when trying again cannot help, any other exception when it might
(the job system retries those with backoff).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.notifications.models import ChannelName

logger = logging.getLogger("linli.notifications.console")


class ChannelNotConfigured(Exception):
    """This site cannot send on this channel (not enabled, no provider, no address for the person)."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str = ""


class Channel:
    name = ""

    def address(self, user) -> str:
        """Where this person is reached on this channel; "" when they cannot be."""
        return user.get_username()

    def send(self, *, user, message: Message) -> None:
        raise NotImplementedError


class ConsoleChannel(Channel):
    """Development: the message goes to the log, where the person running the demo sees it."""

    name = ChannelName.CONSOLE

    def send(self, *, user, message: Message) -> None:
        logger.info(
            "[通知 → %s] %s\n%s%s",
            user.get_username(),
            message.title,
            message.body,
            f"\n{message.link}" if message.link else "",
        )


class EmailChannel(Channel):
    name = ChannelName.EMAIL

    def address(self, user) -> str:
        return user.email or ""

    def send(self, *, user, message: Message) -> None:
        if not user.email:
            raise ChannelNotConfigured(_("%(user)s 没有填写电子邮件地址。") % {"user": user})
        text = message.body + (f"\n\n{message.link}" if message.link else "")
        send_mail(message.title, text, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


class SmsChannel(Channel):
    """Stub: a provider (Aliyun, Tencent Cloud …) is a subclass named in LINLI_CHANNEL_CLASSES["sms"]."""

    name = ChannelName.SMS

    def send(self, *, user, message: Message) -> None:
        raise ChannelNotConfigured(_("短信通道尚未配置服务商。"))


class WechatChannel(Channel):
    """Stub: a provider (WeCom, an official account) is named in LINLI_CHANNEL_CLASSES["wechat"]."""

    name = ChannelName.WECHAT

    def send(self, *, user, message: Message) -> None:
        raise ChannelNotConfigured(_("微信通道尚未配置。"))


BUILT_IN: dict[str, type[Channel]] = {
    ChannelName.CONSOLE: ConsoleChannel,
    ChannelName.EMAIL: EmailChannel,
    ChannelName.SMS: SmsChannel,
    ChannelName.WECHAT: WechatChannel,
}


def enabled_channels() -> list[str]:
    """The channels this site delivers on, in the order of ChannelName."""
    enabled = set(settings.LINLI_NOTIFY_CHANNELS)
    return [name for name in ChannelName.values if name in enabled]


def channel_for(name: str) -> Channel:
    """The channel's adapter. A channel the site does not enable cannot send."""
    if name not in enabled_channels():
        raise ChannelNotConfigured(
            _("本站没有启用“%(channel)s”渠道（LINLI_NOTIFY_CHANNELS）。")
            % {"channel": ChannelName(name).label}
            if name in ChannelName.values
            else _("不认识的渠道：%(channel)s。") % {"channel": name}
        )
    path = getattr(settings, "LINLI_CHANNEL_CLASSES", {}).get(name)
    cls = import_string(path) if path else BUILT_IN[name]
    return cls()
