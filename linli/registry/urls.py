from django.urls import path

from linli.registry import views, views_audit, views_ledger, views_pipl, views_privacy

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
    path("residents/<int:resident_id>/reveal/", views_privacy.resident_reveal, name="resident_reveal"),
    path("residents/<int:resident_id>/history/", views_audit.resident_history, name="resident_history"),
    path("households/<int:household_id>/history/", views_audit.household_history, name="household_history"),
    path("c/<int:community_id>/audit/", views_audit.community_audit, name="community_audit"),
    path("c/<int:community_id>/access-log/", views_audit.access_log, name="access_log"),
    # PIPL rights (registry/pipl.py)
    path("residents/<int:resident_id>/consents/new/", views_pipl.consent_create, name="consent_create"),
    path("consents/<int:consent_id>/withdraw/", views_pipl.consent_withdraw, name="consent_withdraw"),
    path("residents/<int:resident_id>/export/", views_pipl.person_export, name="person_export"),
    path("residents/<int:resident_id>/anonymise/", views_pipl.resident_anonymise, name="resident_anonymise"),
    # Ledgers: import (registry/ledger/) and export of the resident list
    path("c/<int:community_id>/ledger/import/", views_ledger.ledger_import, name="ledger_import"),
    path("c/<int:community_id>/ledger/template/", views_ledger.ledger_template, name="ledger_template"),
    path("ledger/jobs/<int:job_id>/", views_ledger.ledger_job, name="ledger_job"),
    path("ledger/jobs/<int:job_id>/confirm/", views_ledger.ledger_job_confirm, name="ledger_job_confirm"),
    path("ledger/jobs/<int:job_id>/cancel/", views_ledger.ledger_job_cancel, name="ledger_job_cancel"),
    path("c/<int:community_id>/residents/export/", views_ledger.resident_export, name="resident_export"),
    path(
        "c/<int:community_id>/residents/export/full/",
        views_ledger.resident_export_full,
        name="resident_export_full",
    ),
]
