from django.contrib.auth import views as auth_views
from django.urls import path

from linli.core import views

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz/", views.healthz, name="healthz"),
    path("me/tasks/", views.my_tasks, name="my_tasks"),
]
