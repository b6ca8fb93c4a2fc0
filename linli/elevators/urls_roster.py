"""Pages of the lift app: the construction duty roster (楼道值守排班表)."""

from django.urls import path

from linli.elevators import views_roster as views

urlpatterns = [
    path("lifts/<int:project_id>/roster/", views.lift_roster, name="lift_roster"),
    path("lifts/<int:project_id>/roster/swap/", views.lift_roster_swap, name="lift_roster_swap"),
    path("lifts/<int:project_id>/roster/replace/", views.lift_roster_replace, name="lift_roster_replace"),
    path("lifts/<int:project_id>/roster/print/", views.lift_roster_print, name="lift_roster_print"),
]
