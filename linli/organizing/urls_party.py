"""Pages of the organizing app: party (party members and party age, the 50-year medal candidates, a
branch's page, in-service members, identity posts)."""

from django.urls import path

from linli.organizing import views_party as views

urlpatterns = [
    path("c/<int:community_id>/party/", views.party_member_list, name="party_member_list"),
    path(
        "c/<int:community_id>/party/medal/",
        views.party_medal_candidates,
        name="party_medal_candidates",
    ),
    path(
        "c/<int:community_id>/branches/<int:branch_id>/",
        views.branch_detail,
        name="branch_detail",
    ),
    path(
        "c/<int:community_id>/party/in-service/",
        views.party_in_service_list,
        name="party_in_service_list",
    ),
    path(
        "c/<int:community_id>/party/in-service/new/",
        views.party_in_service_create,
        name="party_in_service_create",
    ),
    path(
        "c/<int:community_id>/party/resident-choices/",
        views.party_resident_choices,
        name="party_resident_choices",
    ),
    path(
        "party/in-service/<int:in_service_id>/", views.party_in_service_update, name="party_in_service_update"
    ),
    path(
        "party/in-service/<int:in_service_id>/delete/",
        views.party_in_service_delete,
        name="party_in_service_delete",
    ),
    path(
        "party/in-service/<int:in_service_id>/reveal/",
        views.party_in_service_reveal,
        name="party_in_service_reveal",
    ),
    path("party/members/<int:resident_id>/identity/", views.party_identity, name="party_identity"),
]
