"""The residents' phone pages, under /portal/, and the staff pages that print invitation slips."""

from django.urls import path

from linli.portal import views, views_deliberation, views_lifts

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/sign-in/", views.sign_in, name="portal_sign_in"),
    path("portal/sign-in/code/", views.sign_in_code, name="portal_sign_in_code"),
    path("portal/invite/", views.invite, name="portal_invite"),
    path("portal/sign-in/who/", views.choose, name="portal_choose"),
    path("portal/votes/<int:consultation_id>/", views_deliberation.vote, name="portal_vote"),
    path("portal/conventions/<int:convention_id>/", views_deliberation.convention, name="portal_convention"),
    path(
        "portal/conventions/<int:convention_id>/sign/",
        views_deliberation.convention_sign,
        name="portal_convention_sign",
    ),
    path(
        "portal/conventions/<int:convention_id>/suggest/",
        views_deliberation.convention_suggest,
        name="portal_convention_suggest",
    ),
    path("portal/notices/<int:notice_id>/", views_deliberation.notice, name="portal_notice"),
    path(
        "portal/notices/<int:notice_id>/object/",
        views_deliberation.notice_object,
        name="portal_notice_object",
    ),
    path("portal/lifts/<int:lift_project_id>/photos/", views_lifts.lift_photos, name="portal_lift_photos"),
    path(
        "portal/lifts/photos/<int:lift_photo_id>/full/",
        views_lifts.lift_photo_full,
        name="portal_lift_photo_full",
    ),
    path(
        "portal/lifts/photos/<int:lift_photo_id>/thumb/",
        views_lifts.lift_photo_thumb,
        name="portal_lift_photo_thumb",
    ),
    path(
        "portal/households/<int:household_id>/invitation/",
        views.household_invitation,
        name="portal_household_invitation",
    ),
    path(
        "portal/buildings/<int:building_id>/invitations/",
        views.building_invitations,
        name="portal_building_invitations",
    ),
]
