"""The photo wall (照片墙): an upload is stored only when Pillow recognises and decodes it as a JPEG, PNG,
WebP or GIF within the size and pixel limits; what is stored is a re-encoding, upright, without EXIF
(no GPS, no device), with a JPEG thumbnail. Refused uploads leave no row and no file. The wall and its
files are the project's staff's and building leaders' (404 to everyone else, files private to the
browser)."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image, PngImagePlugin

from linli.core.errors import DomainError
from linli.elevators import services_photos as services
from linli.elevators.models import LiftProject, Photo, Stage, StageRecord
from linli.elevators.services_projects import stages_ensure

# ── Sample files ──────────────────────────────────────────────────────────────────────────────────


def png_bytes(size=(64, 48), mode="RGB", color=(20, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_gps(size=(200, 100), orientation=6) -> bytes:
    """A phone-like JPEG: EXIF with the maker, an orientation (6: turn 90° clockwise to view) and a GPS
    position. The left half is red and the right half blue, so the turn can be seen in the pixels."""
    img = Image.new("RGB", size, (220, 20, 20))
    img.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 14.0, 5.0)
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)
    return buf.getvalue()


def image_bytes(fmt: str, size=(80, 60), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, (10, 200, 10) if mode == "RGB" else 3).save(buf, fmt)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """What a decompression bomb looks like to the server: a small file whose header declares a huge
    image (the pixel data need not be there; Pillow reads the header first)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


TEXT_AS_JPG = "这不是照片，是改了扩展名的文本文件。\n".encode() * 20


# ── The check itself (no database) ────────────────────────────────────────────────────────────────


def test_a_png_is_accepted_with_a_jpeg_thumbnail():
    clean = services.photo_check(png_bytes((1200, 900)))
    assert clean.extension == "png"
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "PNG" and stored.size == (1200, 900)
    thumb = Image.open(io.BytesIO(clean.thumbnail))
    assert thumb.format == "JPEG"
    assert thumb.size == (480, 360)


def test_exif_and_gps_are_stripped_and_the_orientation_applied():
    raw = jpeg_with_gps()
    original = Image.open(io.BytesIO(raw)).getexif()
    assert original.get_ifd(ExifTags.IFD.GPSInfo) and original[ExifTags.Base.Make] == "TestPhone"

    clean = services.photo_check(raw)
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert b"Exif" not in clean.data and b"TestPhone" not in clean.data
    assert b"Exif" not in clean.thumbnail
    # Orientation 6: the 200×100 landscape stands upright as 100×200, its red half now on top.
    assert stored.size == (100, 200)
    top, bottom = stored.getpixel((50, 20)), stored.getpixel((50, 180))
    assert top[0] > 150 and top[2] < 100
    assert bottom[2] > 150 and bottom[0] < 100


def test_comments_and_text_chunks_are_not_carried_over():
    img = Image.new("RGB", (60, 40), (1, 2, 3))
    buf = io.BytesIO()
    img.save(buf, "JPEG", comment="拍摄者：孙奶奶".encode())
    assert "孙奶奶".encode() in buf.getvalue()
    assert "孙奶奶".encode() not in services.photo_check(buf.getvalue()).data

    info = PngImagePlugin.PngInfo()
    info.add_itxt("Author", "孙奶奶")
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info)
    assert "孙奶奶".encode() in buf.getvalue()
    clean = services.photo_check(buf.getvalue())
    assert "孙奶奶".encode() not in clean.data and Image.open(io.BytesIO(clean.data)).text == {}


def test_a_large_photo_is_scaled_down_to_the_stored_size():
    clean = services.photo_check(png_bytes((3000, 300)))
    assert (clean.width, clean.height) == (services.FULL_MAX_EDGE, services.FULL_MAX_EDGE // 10)


@pytest.mark.parametrize(
    ("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "png")]
)
def test_the_four_photo_formats_are_accepted(fmt, extension):
    mode = "P" if fmt == "GIF" else "RGB"
    clean = services.photo_check(image_bytes(fmt, mode=mode))
    assert clean.extension == extension
    assert Image.open(io.BytesIO(clean.thumbnail)).format == "JPEG"


def test_transparency_turns_white_in_the_thumbnail():
    clean = services.photo_check(png_bytes((40, 40), mode="RGBA", color=(0, 0, 0, 0)))
    assert Image.open(io.BytesIO(clean.data)).mode == "RGBA"
    assert Image.open(io.BytesIO(clean.thumbnail)).getpixel((20, 20)) == pytest.approx((255, 255, 255), abs=2)


def _refused(raw: bytes) -> str:
    with pytest.raises(DomainError) as caught:
        services.photo_check(raw)
    assert caught.value.field == "upload"
    return caught.value.message


def test_a_text_file_named_jpg_is_refused():
    assert "JPG、PNG、WebP或GIF" in _refused(TEXT_AS_JPG)


def test_other_image_formats_are_refused():
    assert "JPG、PNG、WebP或GIF" in _refused(image_bytes("BMP"))
    assert "JPG、PNG、WebP或GIF" in _refused(image_bytes("TIFF"))


def test_a_truncated_photo_is_refused():
    raw = jpeg_with_gps(size=(400, 300))
    assert "损坏" in _refused(raw[: len(raw) // 2])


def test_an_oversized_file_is_refused():
    raw = png_bytes() + b"\x00" * services.MAX_PHOTO_BYTES
    assert "10MB" in _refused(raw)


def test_an_empty_file_is_refused():
    assert "空" in _refused(b"")


def test_a_decompression_bomb_is_refused():
    # 30000 × 30000: beyond Pillow's own limit (DecompressionBombError when opened).
    assert "像素过大" in _refused(png_header_only(30000, 30000))


def test_a_photo_over_the_pixel_limit_is_refused_before_decoding():
    # 8000 × 7000 = 56 MP: Pillow would decode it; Linli's limit is 50 MP.
    assert services.MAX_PHOTO_PIXELS < 8000 * 7000
    assert "像素过大" in _refused(png_header_only(8000, 7000))


# ── Adding and deleting (database) ────────────────────────────────────────────────────────────────


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def make_project(entrance) -> LiftProject:
    stages = stages_ensure(entrance.community_id)
    project = LiftProject.objects.create(
        community_id=entrance.community_id,
        building_id=entrance.building_id,
        entrance=entrance,
        started_on=dt.date(2026, 3, 1),
    )
    StageRecord.objects.create(
        community_id=project.community_id, project=project, stage=stages[0], started_on=dt.date(2026, 3, 1)
    )
    return project


def add(actor, project, raw=None, **overrides) -> Photo:
    stage = Stage.objects.filter(community_id=project.community_id).order_by("position")[1]
    kwargs = {
        "actor": actor,
        "project": project,
        "stage": stage,
        "upload": upload(raw if raw is not None else jpeg_with_gps()),
        "caption": "井道基础开挖",
        "taken_on": dt.date(2026, 3, 2),
    }
    kwargs.update(overrides)
    return services.photo_add(**kwargs)


@pytest.fixture
def project(world):
    return make_project(world.entrance_1)


@pytest.fixture
def project_2(world):
    """Building 2's entrance: its staff's, not 孙奶奶's."""
    return make_project(world.flat_201.entrance)


def test_staff_add_a_photo_stored_clean_with_its_thumbnail(world, project, settings):
    photo = add(world.staff, project)
    photo.refresh_from_db()
    assert (photo.community_id, photo.project_id, photo.uploaded_by) == (
        world.community.pk,
        project.pk,
        world.staff,
    )
    assert photo.stage.position == 2
    with photo.image.open("rb") as f:
        data = f.read()
    assert Image.open(io.BytesIO(data)).getexif() == {} and b"TestPhone" not in data
    with photo.thumbnail.open("rb") as f:
        assert Image.open(f).format == "JPEG"
    assert photo.image.name.startswith(f"lifts/{world.community.pk}/{project.pk}/photos/")
    assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith("-thumb.jpg")
    assert len(stored_files(settings)) == 2


def test_the_uploaded_file_name_is_not_kept(world, project):
    photo = add(world.staff, project, upload=upload(png_bytes(), name="孙奶奶家门口.png"))
    assert "孙奶奶" not in photo.image.name and photo.image.name.endswith(".png")


def test_the_building_leader_adds_photos_in_their_building(world, project):
    assert add(world.building_leader, project).pk


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "outsider", "street_officer"])
def test_others_may_not_add_photos(world, project, settings, role):
    with pytest.raises(DomainError):
        add(getattr(world, role), project)
    assert not Photo.objects.exists() and stored_files(settings) == []


def test_a_leader_may_not_add_photos_to_another_building(world, project_2):
    with pytest.raises(DomainError):
        add(world.building_leader, project_2)


@pytest.mark.parametrize(
    "raw",
    [
        TEXT_AS_JPG,
        png_bytes() + b"\x00" * services.MAX_PHOTO_BYTES,
        png_header_only(30000, 30000),
        png_header_only(8000, 7000),
    ],
    ids=["text-as-jpg", "oversize", "bomb", "over-pixel-limit"],
)
def test_a_refused_upload_saves_nothing(world, project, settings, raw):
    with pytest.raises(DomainError) as caught:
        add(world.staff, project, raw=raw)
    assert caught.value.field == "upload"
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_the_stage_must_be_of_the_projects_community(world, project, settings):
    stages_ensure(world.neighbour.pk)
    other = Stage.objects.filter(community=world.neighbour).first()
    with pytest.raises(DomainError) as caught:
        add(world.staff, project, stage=other)
    assert caught.value.field == "stage"
    assert stored_files(settings) == []


def test_the_date_taken_may_not_be_in_the_future(world, project, settings):
    with pytest.raises(DomainError) as caught:
        add(world.staff, project, taken_on=timezone.localdate() + dt.timedelta(days=1))
    assert caught.value.field == "taken_on"
    assert add(world.staff, project, taken_on=timezone.localdate()).pk  # today is fine


def test_a_caption_is_required(world, project):
    with pytest.raises(DomainError) as caught:
        add(world.staff, project, caption="   ")
    assert caught.value.field == "caption"


def test_staff_delete_a_photo_and_its_files(world, project, settings, django_capture_on_commit_callbacks):
    photo = add(world.staff, project)
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(actor=world.building_leader, photo=photo)
    assert not Photo.objects.exists()
    assert stored_files(settings) == []


def test_others_may_not_delete_a_photo(world, project):
    photo = add(world.staff, project)
    for actor in (world.group_leader, world.resident, world.outsider):
        with pytest.raises(DomainError):
            services.photo_delete(actor=actor, photo=photo)
    assert Photo.objects.filter(pk=photo.pk).exists()


# ── Pages and files ───────────────────────────────────────────────────────────────────────────────


def page(project) -> str:
    return reverse("lift_photos", args=[project.pk])


@pytest.mark.parametrize("role", ["staff", "building_leader"])
def test_the_wall_shows_photos_by_stage_with_the_upload_form(client, world, project, role):
    stages = list(Stage.objects.filter(community=world.community).order_by("position"))
    add(world.staff, project, caption="第三阶段的照片", stage=stages[2])
    add(world.staff, project, caption="第二阶段的照片", stage=stages[1])
    client.force_login(getattr(world, role))
    response = client.get(page(project))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(stages[1].name) < body.index("第二阶段的照片") < body.index(stages[2].name)
    assert body.index(stages[2].name) < body.index("第三阶段的照片")
    photo = Photo.objects.get(caption="第二阶段的照片")
    assert reverse("lift_photo_thumb", args=[photo.pk]) in body
    assert reverse("lift_photo_full", args=[photo.pk]) in body
    assert 'accept="image/*"' in body and 'enctype="multipart/form-data"' in body
    assert "2026年3月2日" in body


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "outsider"])
def test_the_wall_is_a_404_outside_the_scope(client, world, project, role):
    client.force_login(getattr(world, role))
    assert client.get(page(project)).status_code == 404
    assert client.post(page(project)).status_code == 404


def test_the_building_leader_does_not_see_another_buildings_wall(client, world, project_2):
    client.force_login(world.building_leader)
    assert client.get(page(project_2)).status_code == 404


def _form(world, raw, name="photo.jpg") -> dict:
    stage = Stage.objects.filter(community=world.community).order_by("position").first()
    return {
        "upload": upload(raw, name=name),
        "stage": stage.pk,
        "caption": "脚手架搭好了",
        "taken_on": "2026-03-05",
    }


def test_a_leader_uploads_from_the_page(client, world, project, settings):
    client.force_login(world.building_leader)
    response = client.post(page(project), _form(world, jpeg_with_gps()))
    assert response.status_code == 302 and response["Location"] == page(project)
    photo = Photo.objects.get()
    assert (photo.caption, photo.taken_on, photo.uploaded_by) == (
        "脚手架搭好了",
        dt.date(2026, 3, 5),
        world.building_leader,
    )


def test_a_refused_upload_is_a_form_message(client, world, project, settings):
    client.force_login(world.staff)
    response = client.post(page(project), _form(world, TEXT_AS_JPG))
    assert response.status_code == 400
    assert "请上传照片（JPG、PNG、WebP或GIF格式）" in response.content.decode()
    assert not Photo.objects.exists() and stored_files(settings) == []


def test_the_files_are_served_privately_to_the_scope(client, world, project):
    photo = add(world.staff, project)
    for role in ("staff", "building_leader"):
        client.force_login(getattr(world, role))
        for name, size in (("lift_photo_full", (100, 200)), ("lift_photo_thumb", (100, 200))):
            response = client.get(reverse(name, args=[photo.pk]))
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert response["Cache-Control"].startswith("private")
            assert "public" not in response["Cache-Control"]
            body = b"".join(response.streaming_content)
            assert Image.open(io.BytesIO(body)).size == size


@pytest.mark.parametrize("role", ["group_leader", "volunteer", "resident", "outsider", "street_officer"])
def test_the_files_are_a_404_outside_the_scope(client, world, project, role):
    photo = add(world.staff, project)
    client.force_login(getattr(world, role))
    for name in ("lift_photo_full", "lift_photo_thumb"):
        assert client.get(reverse(name, args=[photo.pk])).status_code == 404


def test_another_buildings_files_are_a_404_for_a_leader(client, world, project_2):
    photo = add(world.staff, project_2)
    client.force_login(world.building_leader)
    assert client.get(reverse("lift_photo_full", args=[photo.pk])).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(client, world, project):
    photo = add(world.staff, project)
    photo.image.storage.delete(photo.image.name)
    client.force_login(world.staff)
    assert client.get(reverse("lift_photo_full", args=[photo.pk])).status_code == 404


def test_delete_from_the_page(client, world, project, django_capture_on_commit_callbacks):
    photo = add(world.staff, project)
    url = reverse("lift_photo_delete", args=[photo.pk])
    client.force_login(world.outsider)
    assert client.post(url).status_code == 404
    client.force_login(world.building_leader)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == page(project)
    assert not Photo.objects.exists()


def test_adding_and_deleting_a_photo_leaves_its_history(world, project):
    from linli.elevators.services_photos import photo_delete

    photo = add(world.staff, project)
    pk = photo.pk
    photo_delete(actor=world.building_leader, photo=photo)
    kinds = list(Photo.history.filter(id=pk).order_by("history_date").values_list("history_type", flat=True))
    assert kinds == ["+", "-"]
