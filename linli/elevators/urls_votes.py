"""Pages of a lift project's owners' vote (意愿征询)."""

from django.urls import path

from linli.elevators import views_vote as views

urlpatterns = [
    path("lifts/<int:project_id>/vote/", views.lift_vote, name="lift_vote"),
    path("lifts/<int:project_id>/vote/print/", views.lift_vote_print, name="lift_vote_print"),
]
