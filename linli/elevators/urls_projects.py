"""Pages of the lift app: the community overview, a project and its stages, people and documents."""

from django.urls import path

from linli.elevators import views_projects as views

urlpatterns = [
    path("c/<int:community_id>/lifts/", views.lift_overview, name="lift_overview"),
    path("c/<int:community_id>/lifts/new/", views.lift_project_create, name="lift_project_create"),
    path("c/<int:community_id>/lifts/stages/", views.lift_stages, name="lift_stages"),
    path("lifts/<int:project_id>/", views.lift_project_detail, name="lift_project_detail"),
    path("lifts/<int:project_id>/stages/complete/", views.lift_stage_complete, name="lift_stage_complete"),
    path("lifts/<int:project_id>/facts/", views.lift_project_facts, name="lift_project_facts"),
    path("lifts/<int:project_id>/stop/", views.lift_project_stop, name="lift_project_stop"),
    path("lifts/<int:project_id>/people/new/", views.lift_person_add, name="lift_person_add"),
    path("lifts/<int:project_id>/documents/new/", views.lift_document_add, name="lift_document_add"),
    path("lifts/documents/<int:document_id>/", views.lift_document_file, name="lift_document_file"),
]
