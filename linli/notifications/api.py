"""The caller's own notifications and preferences over JSON. Everything here is the caller's: another
person's notification is a 404, whatever the role."""

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from linli.api.schemas import Id, PageParams, error_responses, paginate
from linli.notifications import selectors, services
from linli.notifications.channels import enabled_channels
from linli.notifications.models import ChannelName, Kind, Mode
from linli.notifications.preferences import preferences_of

router = Router(tags=["notifications"])

READ_ERRORS = error_responses(401, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 404, 422)

KindCode = Literal[tuple(Kind.values)]
ModeCode = Literal[tuple(Mode.values)]
ChannelCode = Literal[tuple(ChannelName.values)]


class DeliveryOut(Schema):
    channel: str
    status: str
    status_label: str
    attempts: int
    error: str
    sent_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class NotificationOut(Schema):
    id: int
    community_id: int
    kind: str
    kind_label: str
    mode: str = Field(description="instant：立即提醒；digest：放入每日摘要。")
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    in_digest: bool
    deliveries: list[DeliveryOut]

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_in_digest(obj) -> bool:
        return obj.digest_id is not None

    @staticmethod
    def resolve_deliveries(obj) -> list:
        return list(obj.deliveries.all())


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


class InboxParams(PageParams):
    unread: bool = Field(False, description="true：只列未读消息。")


class MarkedOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str
    kind_label: str
    mode: str
    channels: list[str]
    is_default: bool = Field(description="true：您还没有设置过，这是按您的角色给出的默认设置。")


class PreferencesOut(Schema):
    enabled_channels: list[str] = Field(description="本站启用的发送渠道（消息页面总会显示）。")
    preferences: list[PreferenceOut]


class PreferenceIn(Schema):
    kind: KindCode
    mode: ModeCode
    channels: list[ChannelCode] = Field(default_factory=list, max_length=len(ChannelName.values))


@router.get(
    "/me/notifications",
    response={200: NotificationPage, **READ_ERRORS},
    summary="我的消息",
    description="最新的在前。`unread` 为未读条数。",
)
def notification_list(request, params: Query[InboxParams]):
    page = paginate(selectors.inbox(request.auth, unread_only=params.unread), params)
    return {**page, "unread": selectors.unread_count(request.auth)}


@router.post(
    "/me/notifications/read-all",
    response={200: MarkedOut, **error_responses(401)},
    summary="全部标为已读",
)
def notification_read_all(request):
    return {"marked": services.notifications_mark_all_read(user=request.auth)}


@router.post(
    "/me/notifications/{notification_id}/read",
    response={200: NotificationOut, **WRITE_ERRORS},
    summary="标为已读",
)
def notification_read(request, notification_id: Id):
    notification = selectors.access_notification(request.auth, notification_id)
    services.notification_mark_read(notification=notification)
    return selectors.inbox(request.auth).get(pk=notification.pk)


def _preferences(user) -> dict:
    choices = preferences_of(user.pk)
    return {
        "enabled_channels": enabled_channels(),
        "preferences": [
            {
                "kind": kind,
                "kind_label": str(label),
                "mode": choices[kind].mode,
                "channels": list(choices[kind].channels),
                "is_default": choices[kind].is_default,
            }
            for kind, label in Kind.choices
        ],
    }


@router.get(
    "/me/notification-preferences",
    response={200: PreferencesOut, **error_responses(401)},
    summary="我的提醒设置",
)
def preference_list(request):
    return _preferences(request.auth)


@router.put(
    "/me/notification-preferences",
    response={200: PreferencesOut, **WRITE_ERRORS},
    summary="修改一类消息的提醒设置",
    description="mode：instant 立即提醒、digest 每日摘要、off 不提醒；channels 只能是本站启用的渠道。",
)
def preference_update(request, payload: PreferenceIn):
    services.preference_set(
        user=request.auth, kind=payload.kind, mode=payload.mode, channels=list(payload.channels)
    )
    return _preferences(request.auth)
