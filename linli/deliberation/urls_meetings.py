"""Pages of the deliberation app: meetings (议事会), and the residents' QR sign-in page (under portal/)."""

from django.urls import path

from linli.deliberation import views_meetings as views

urlpatterns = [
    path("c/<int:community_id>/meetings/", views.meeting_list, name="meeting_list"),
    path("c/<int:community_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_update, name="meeting_update"),
    path("meetings/<int:meeting_id>/invitees/", views.meeting_invitees, name="meeting_invitees"),
    path("meetings/<int:meeting_id>/sign-in/", views.meeting_sign_in, name="meeting_sign_in"),
    path("meetings/<int:meeting_id>/qr.svg", views.meeting_qr, name="meeting_qr"),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<int:meeting_id>/minutes/print/", views.meeting_minutes_print, name="meeting_minutes_print"
    ),
    path(
        "meetings/<int:meeting_id>/resolutions/new/",
        views.meeting_resolution_add,
        name="meeting_resolution_add",
    ),
    path("meetings/<int:meeting_id>/tasks/new/", views.meeting_task_add, name="meeting_task_add"),
    path("meeting-tasks/<int:task_id>/done/", views.meeting_task_done, name="meeting_task_done"),
    path("portal/meetings/<int:meeting_id>/check-in/", views.meeting_check_in, name="meeting_check_in"),
]
