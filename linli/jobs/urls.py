from django.urls import path

from linli.jobs import views

urlpatterns = [
    path("jobs/", views.run_list, name="job_runs"),
    path("jobs/<int:run_id>/", views.run_detail, name="job_run_detail"),
    path("jobs/<int:run_id>/retry/", views.run_retry, name="job_run_retry"),
]
