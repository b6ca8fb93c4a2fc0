"""Pages of the organizing app: volunteers, service hours, duties and talents."""

from django.urls import path

from linli.organizing import views_volunteers as views

urlpatterns = [
    path("volunteering/", views.volunteering_home, name="volunteering_home"),
    path("me/volunteering/", views.my_volunteering, name="my_volunteering"),
    path("c/<int:community_id>/volunteers/", views.volunteer_list, name="volunteer_list"),
    path("c/<int:community_id>/volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path("c/<int:community_id>/volunteer-hours/", views.service_totals, name="service_totals"),
    path("c/<int:community_id>/volunteer-leaderboard/", views.leaderboard, name="leaderboard"),
    path(
        "c/<int:community_id>/volunteer-leaderboard/settings/",
        views.leaderboard_settings,
        name="leaderboard_settings",
    ),
    path("c/<int:community_id>/duties/", views.duty_list, name="duty_list"),
    path("c/<int:community_id>/talents/", views.talent_list, name="talent_list"),
    path("volunteers/<int:volunteer_id>/", views.volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:volunteer_id>/edit/", views.volunteer_update, name="volunteer_update"),
    path("volunteers/<int:volunteer_id>/leave/", views.volunteer_leave, name="volunteer_leave"),
    path("volunteers/<int:volunteer_id>/summary/", views.volunteer_summary, name="volunteer_summary"),
    path(
        "volunteers/<int:volunteer_id>/hours/new/", views.service_record_create, name="service_record_create"
    ),
    path("volunteers/<int:volunteer_id>/duties/new/", views.duty_create, name="duty_create"),
    path(
        "service-records/<int:record_id>/confirm/",
        views.service_record_confirm,
        name="service_record_confirm",
    ),
    path(
        "service-records/<int:record_id>/delete/", views.service_record_delete, name="service_record_delete"
    ),
    path("duties/<int:duty_id>/cancel/", views.duty_cancel, name="duty_cancel"),
    path("residents/<int:resident_id>/talent/", views.talent_edit, name="talent_edit"),
    path("residents/<int:resident_id>/talent/remove/", views.talent_remove, name="talent_remove"),
    path(
        "residents/<int:resident_id>/volunteering/", views.resident_volunteering, name="resident_volunteering"
    ),
]
