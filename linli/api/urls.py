"""Mounted at /api/v1/ by linli/urls.py; the namespace "api" is what ninja reverses its docs links in."""

from linli.api.api import api

app_name = "api"
urlpatterns = api.urls[0]
