"""Pages of the lift app: publicity and persuasion (the entrance board, visits, talks and site visits)."""

from django.urls import path

from linli.elevators import views_persuasion as views

urlpatterns = [
    path("lifts/<int:project_id>/board/", views.lift_board, name="lift_board"),
    path("lifts/<int:project_id>/board/flats/<int:flat_id>/", views.lift_board_flat, name="lift_board_flat"),
    path("lifts/<int:project_id>/outreach/new/", views.lift_outreach_create, name="lift_outreach_create"),
]
