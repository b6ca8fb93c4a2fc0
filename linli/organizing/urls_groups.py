"""Pages of the organizing app: groups (六邻汇), building groups (楼组) and the party branches'
configuration (the branch page itself, `branch_detail`, is the party area's)."""

from django.urls import path

from linli.organizing import views_groups as views

urlpatterns = [
    path("c/<int:community_id>/groups/", views.group_list, name="group_list"),
    path("c/<int:community_id>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", views.group_update, name="group_update"),
    path("groups/<int:group_id>/members/new/", views.group_member_add, name="group_member_add"),
    path("group-members/<int:member_id>/end/", views.group_member_end, name="group_member_end"),
    path("c/<int:community_id>/branches/", views.branch_list, name="branch_list"),
    path("c/<int:community_id>/branches/new/", views.branch_create, name="branch_create"),
    path("branches/<int:branch_id>/edit/", views.branch_update, name="branch_edit"),
    path(
        "c/<int:community_id>/building-groups/",
        views.building_group_list,
        name="building_group_list",
    ),
    path(
        "c/<int:community_id>/building-groups/new/",
        views.building_group_create,
        name="building_group_create",
    ),
    path(
        "building-groups/<int:building_group_id>/", views.building_group_detail, name="building_group_detail"
    ),
    path(
        "building-groups/<int:building_group_id>/edit/",
        views.building_group_update,
        name="building_group_update",
    ),
]
