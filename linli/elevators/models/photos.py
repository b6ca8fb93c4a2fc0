"""The photo wall (照片墙): photos of a project by stage, with caption and date. Uploads are checked to be
images (Pillow opens and verifies them) and a thumbnail is generated; residents of the entrance see the
wall on the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core.models import Community
from linli.elevators.models.projects import LiftProject, Stage


def _photo_path(instance, filename: str) -> str:
    return f"lifts/{instance.community_id}/{instance.project_id}/photos/{filename}"


class Photo(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("居民区")
    )
    project = models.ForeignKey(
        LiftProject, on_delete=models.CASCADE, related_name="photos", verbose_name=_("加梯项目")
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("阶段"))
    image = models.ImageField(_("照片"), upload_to=_photo_path)
    thumbnail = models.ImageField(_("缩略图"), upload_to=_photo_path, blank=True)
    caption = models.CharField(_("说明"), max_length=200)
    taken_on = models.DateField(_("拍摄日期"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    history = HistoricalRecords()  # who added or removed which photo, and when

    scope_paths = {"community": "community_id", "building": "project__building_id"}

    class Meta:
        verbose_name = verbose_name_plural = _("照片墙")
        ordering = ["project", "stage__position", "taken_on", "id"]

    def __str__(self) -> str:
        return self.caption
