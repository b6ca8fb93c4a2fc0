"""Pages of the organizing app, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("linli.organizing.urls_groups")),
    path("", include("linli.organizing.urls_volunteers")),
    path("", include("linli.organizing.urls_party")),
]
