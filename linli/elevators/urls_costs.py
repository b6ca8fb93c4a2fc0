"""Pages of the lift app: the cost-sharing plan, its table for signature and its public notice."""

from django.urls import path

from linli.elevators import views_costs as views

urlpatterns = [
    path("lifts/<int:project_id>/cost/", views.lift_cost, name="lift_cost"),
    path("lifts/<int:project_id>/cost/print/", views.lift_cost_print, name="lift_cost_print"),
    path("lifts/<int:project_id>/cost/publish/", views.lift_cost_publish, name="lift_cost_publish"),
]
