from django.urls import path

from linli.notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notification_inbox"),
    path("notifications/read-all/", views.notifications_read_all, name="notification_read_all"),
    path("notifications/settings/", views.preferences, name="notification_preferences"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
