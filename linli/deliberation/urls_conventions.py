"""Pages of the deliberation app: conventions (公约) and public notices (公示)."""

from django.urls import path

from linli.deliberation import views_conventions as views
from linli.deliberation import views_notices as notices

urlpatterns = [
    path("c/<int:community_id>/conventions/", views.convention_list, name="convention_list"),
    path("c/<int:community_id>/conventions/new/", views.convention_create, name="convention_create"),
    path("conventions/<int:convention_id>/", views.convention_detail, name="convention_detail"),
    path(
        "conventions/<int:convention_id>/versions/new/",
        views.convention_version_add,
        name="convention_version_add",
    ),
    path("conventions/<int:convention_id>/diff/", views.convention_diff, name="convention_diff"),
    path("conventions/<int:convention_id>/adopt/", views.convention_adopt, name="convention_adopt"),
    path(
        "conventions/<int:convention_id>/signatures/",
        views.convention_signatures,
        name="convention_signatures",
    ),
    path("conventions/<int:convention_id>/print/", views.convention_print, name="convention_print"),
    path(
        "convention-suggestions/<int:suggestion_id>/answer/",
        views.convention_suggestion_answer,
        name="convention_suggestion_answer",
    ),
    path("c/<int:community_id>/notices/", notices.notice_list, name="notice_list"),
    path("c/<int:community_id>/notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:notice_id>/", notices.notice_detail, name="notice_detail"),
    path(
        "objections/<int:objection_id>/answer/",
        notices.notice_objection_answer,
        name="notice_objection_answer",
    ),
    path("notice-attachments/<int:attachment_id>/", notices.notice_attachment, name="notice_attachment"),
]
