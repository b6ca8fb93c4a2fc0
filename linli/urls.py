from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("linli.core.urls")),
    path("", include("linli.registry.urls")),
    path("", include("linli.organizing.urls")),
    path("", include("linli.deliberation.urls")),
    path("", include("linli.elevators.urls")),
    path("", include("linli.portal.urls")),
    path("", include("linli.jobs.urls")),
    path("", include("linli.notifications.urls")),
    path("api/v1/", include("linli.api.urls")),
    # set_language: the language switch posts here (the choice is kept in a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
]
