"""Pages of the lift app: the photo wall and its photo files (served through the scope, never from a
public media URL)."""

from django.urls import path

from linli.elevators import views_photos as views

urlpatterns = [
    path("lifts/<int:project_id>/photos/", views.lift_photos, name="lift_photos"),
    path("lifts/photos/<int:photo_id>/full/", views.lift_photo_full, name="lift_photo_full"),
    path("lifts/photos/<int:photo_id>/thumb/", views.lift_photo_thumb, name="lift_photo_thumb"),
    path("lifts/photos/<int:photo_id>/delete/", views.lift_photo_delete, name="lift_photo_delete"),
]
