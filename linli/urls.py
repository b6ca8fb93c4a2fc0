from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("linli.core.urls")),
    path("", include("linli.registry.urls")),
    path("api/v1/", include("linli.api.urls")),
]
