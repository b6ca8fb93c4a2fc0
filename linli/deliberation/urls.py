"""Pages of the deliberation app, one module per area."""

from django.urls import include, path

urlpatterns = [
    path("", include("linli.deliberation.urls_votes")),
    path("", include("linli.deliberation.urls_meetings")),
    path("", include("linli.deliberation.urls_conventions")),
]
