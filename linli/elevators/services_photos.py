"""Writes of the photo wall (照片墙): add a photo of a project's stage, delete one.

An upload is trusted for nothing: Pillow must recognise it as a JPEG, PNG, WebP or GIF, verify it and
decode it again, within a size and a pixel limit (a small file can declare a gigantic image — a
decompression bomb — and take the server's memory when decoded). What is stored is never the uploaded
file itself but a re-encoding of its pixels: phones write the place a photo was taken (GPS), the device
and often the owner's name into its EXIF, and the wall is shown to every household of the entrance. The
EXIF orientation is applied first so the re-encoded photo stands the right way up without it.

Nothing is written (no file, no row) until every check has passed.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from linli.core.errors import DomainError
from linli.elevators.models import LiftProject, Photo, Stage

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# About 50 megapixels: more than any phone's ordinary photo (12–50 MP), far less than a bomb. Checked on
# the dimensions the header declares, before a single pixel is decoded.
MAX_PHOTO_PIXELS = 50_000_000
FULL_MAX_EDGE = 2560  # the stored photo: sharp on any phone or office screen, a few hundred KB
THUMB_MAX_EDGE = 480
JPEG_QUALITY = 85
THUMB_QUALITY = 80

# Pillow's format name → the format the photo is stored in. A GIF keeps its first frame, as a PNG (the
# wall shows photos, not animations); MPO is how Pillow names many phones' JPEGs (a JPEG with a preview).
STORED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "PNG"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPE = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class CleanImage:
    """A checked upload, re-encoded without metadata, and its thumbnail: bytes ready to be stored."""

    data: bytes
    extension: str  # jpg, png or webp
    thumbnail: bytes  # always a JPEG
    width: int
    height: int


def _refuse(message: str) -> DomainError:
    return DomainError(message, field="upload")


def _formats_message() -> str:
    return _("请上传照片（JPG、PNG、WebP或GIF格式）。")


def _open_checked(raw: bytes) -> Image.Image:
    """Open, verify, and open again (verify leaves the image unusable), refusing bombs and non-images."""
    with warnings.catch_warnings():
        # Above Pillow's own limit it warns before it raises: either is a bomb here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw)) as probe:
                if probe.format not in STORED_FORMAT:
                    raise _refuse(_formats_message())
                if probe.width * probe.height > MAX_PHOTO_PIXELS:
                    raise _refuse(_("照片像素过大，请用手机正常拍摄的照片（不超过5000万像素）。"))
                probe.verify()
            image = Image.open(io.BytesIO(raw))
            if image.format in ("JPEG", "MPO"):
                # Decode a big JPEG at a half, quarter or eighth of its size when that still covers the
                # stored size: a 50 MP photo then takes a quarter of the memory.
                image.draft("RGB", _stored_size(image.size))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(_("照片像素过大，请用手机正常拍摄的照片（不超过5000万像素）。")) from None
        except UnidentifiedImageError:
            raise _refuse(_formats_message()) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            # Truncated or corrupt data that only looks like an image at the start.
            raise _refuse(_("照片文件已损坏，无法打开，请重新拍摄或选择照片。")) from None
    return image


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size a photo of `size` is stored at: its longer edge at most FULL_MAX_EDGE."""
    width, height = size
    longer = max(width, height)
    if longer <= FULL_MAX_EDGE:
        return size
    return (max(1, width * FULL_MAX_EDGE // longer), max(1, height * FULL_MAX_EDGE // longer))


def _plain_pixels(image: Image.Image) -> Image.Image:
    """The upright pixels in RGB (RGBA when there is transparency), with no metadata at all."""
    upright = ImageOps.exif_transpose(image)  # a new image, even when there is nothing to turn
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
    wanted = "RGBA" if has_alpha else "RGB"
    plain = upright if upright.mode == wanted else upright.convert(wanted)
    icc = upright.info.get("icc_profile")
    # EXIF, XMP, comments, PNG text chunks: none of it is written out again. The colour profile is
    # kept (it says how to show the colours, nothing about the person or the place).
    plain.info = {"icc_profile": icc} if icc else {}
    return plain


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    icc = {"icc_profile": image.info["icc_profile"]} if image.info.get("icc_profile") else {}
    if fmt == "JPEG":
        if image.mode != "RGB":
            image = _flatten(image)
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"", **icc)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=JPEG_QUALITY, exif=b"", xmp=b"", **icc)
    else:
        image.save(out, "PNG", optimize=True, **icc)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Transparency onto white, for JPEG (a transparent PNG's thumbnail would otherwise turn black)."""
    if image.mode == "RGB":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
    return background


def photo_check(raw: bytes) -> CleanImage:
    """Check an uploaded photo's bytes and return its clean re-encoding and thumbnail, or raise a
    DomainError saying why it is refused. Pure: it stores nothing."""
    if not raw:
        raise _refuse(_("上传的文件是空的。"))
    if len(raw) > MAX_PHOTO_BYTES:
        raise _refuse(_("照片不能超过10MB。"))
    image = _open_checked(raw)
    fmt = STORED_FORMAT[image.format]
    clean = _plain_pixels(image)
    clean.thumbnail((FULL_MAX_EDGE, FULL_MAX_EDGE), Image.Resampling.LANCZOS)
    thumb = _flatten(clean.copy())
    thumb.thumbnail((THUMB_MAX_EDGE, THUMB_MAX_EDGE), Image.Resampling.LANCZOS)
    return CleanImage(
        data=_encode(clean, fmt),
        extension=EXTENSION[fmt],
        thumbnail=_encode(thumb, "JPEG"),
        width=clean.width,
        height=clean.height,
    )


def _read_upload(upload) -> bytes:
    if upload is None:
        raise _refuse(_("请选择要上传的照片。"))
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise _refuse(_("照片不能超过10MB。"))  # before reading a byte of it
    upload.seek(0)
    raw = upload.read(MAX_PHOTO_BYTES + 1)
    upload.seek(0)
    return raw


def _require_change(actor, project: LiftProject) -> None:
    if actor is None or not actor.has_perm("elevators.change_liftproject", project):
        raise DomainError(_("您没有权限操作此加梯项目的照片墙。"))


def photo_add(*, actor, project: LiftProject, stage: Stage, upload, caption: str, taken_on: dt.date) -> Photo:
    """Add a photo of `stage` to the project's wall: staff of the community or a leader of the building.

    The stage must be one of the project's community; the date not in the future; the caption is
    required (the wall is read by residents who were not there). The upload is checked and re-encoded
    by `photo_check`; the stored names are random (an uploaded file name may carry a person's name)."""
    _require_change(actor, project)
    if stage is None or stage.community_id != project.community_id:
        raise DomainError(_("阶段不属于本居民区。"), field="stage")
    caption = (caption or "").strip()
    if not caption:
        raise DomainError(_("请填写照片说明。"), field="caption")
    if len(caption) > 200:
        raise DomainError(_("照片说明不能超过200字。"), field="caption")
    if taken_on is None:
        raise DomainError(_("请填写拍摄日期。"), field="taken_on")
    if taken_on > timezone.localdate():
        raise DomainError(_("拍摄日期不能晚于今天。"), field="taken_on")
    clean = photo_check(_read_upload(upload))
    stem = uuid.uuid4().hex
    photo = Photo(
        community_id=project.community_id,
        project=project,
        stage=stage,
        caption=caption,
        taken_on=taken_on,
        uploaded_by=actor,
    )
    photo.image.save(f"{stem}.{clean.extension}", ContentFile(clean.data), save=False)
    try:
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(clean.thumbnail), save=False)
        with transaction.atomic():
            photo.save()
    except Exception:
        _delete_files(photo.image.name, photo.thumbnail.name)
        raise
    return photo


def _delete_files(*names: str) -> None:
    storage = Photo._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)


def photo_delete(*, actor, photo: Photo) -> None:
    """Delete a photo and, once the deletion is committed, its two files: staff or a leader of the
    building (whoever may change the project)."""
    _require_change(actor, photo.project)
    names = (photo.image.name, photo.thumbnail.name)
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: _delete_files(*names))
