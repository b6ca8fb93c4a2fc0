"""Pages of the lift app, one module per area (projects and stages, persuasion, the owners' vote, cost
sharing, the duty roster, the photo wall)."""

from django.urls import include, path

urlpatterns = [
    path("", include("linli.elevators.urls_projects")),
    path("", include("linli.elevators.urls_persuasion")),
    path("", include("linli.elevators.urls_votes")),
    path("", include("linli.elevators.urls_costs")),
    path("", include("linli.elevators.urls_roster")),
    path("", include("linli.elevators.urls_photos")),
]
