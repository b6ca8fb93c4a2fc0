"""Pages of the deliberation app: votes (consultations)."""

from django.urls import path

from linli.deliberation import views_votes as views

urlpatterns = [
    path("c/<int:community_id>/consultations/", views.consultation_list, name="consultation_list"),
    path(
        "c/<int:community_id>/consultations/new/",
        views.consultation_create,
        name="consultation_create",
    ),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation_detail"),
    path("consultations/<int:consultation_id>/open/", views.consultation_open, name="consultation_open"),
    path("consultations/<int:consultation_id>/close/", views.consultation_close, name="consultation_close"),
    path("consultations/<int:consultation_id>/vote/", views.consultation_vote, name="consultation_vote"),
    path(
        "consultations/<int:consultation_id>/doorstep/",
        views.consultation_doorstep,
        name="consultation_doorstep",
    ),
    path(
        "consultations/<int:consultation_id>/voters/<int:voter_id>/ballot/",
        views.consultation_ballot_enter,
        name="consultation_ballot_enter",
    ),
    path("consultations/<int:consultation_id>/tally/", views.consultation_tally, name="consultation_tally"),
    # A ballot's files, served through the scope check (never from a public media URL).
    path("ballots/<int:ballot_id>/photo/", views.ballot_photo, name="ballot_photo"),
    path(
        "ballots/<int:ballot_id>/proxy-document/",
        views.ballot_proxy_document,
        name="ballot_proxy_document",
    ),
]
