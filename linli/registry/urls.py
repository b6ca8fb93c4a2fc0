from django.urls import path

from linli.registry import views

urlpatterns = [
    path("street/<int:street_id>/", views.street_overview, name="street_overview"),
    path("c/<int:community_id>/", views.community_home, name="community_home"),
    path("c/<int:community_id>/buildings/", views.building_list, name="building_list"),
    path("c/<int:community_id>/residents/", views.resident_list, name="resident_list"),
    path("c/<int:community_id>/residents/new/", views.resident_create, name="resident_create"),
    path("residents/<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:resident_id>/edit/", views.resident_update, name="resident_update"),
    path("residents/<int:resident_id>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("buildings/<int:building_id>/", views.building_detail, name="building_detail"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
]
