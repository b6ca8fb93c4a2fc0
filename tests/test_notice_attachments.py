"""Attachments of a notice: PDF, JPG or PNG, at most 10 MB, content matching the type; nothing is saved
when one file is wrong."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.errors import DomainError
from linli.deliberation.models import Notice, NoticeAttachment
from linli.deliberation.services_notices import ATTACHMENT_MAX_BYTES, notice_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def _create(world, files):
    now = timezone.now()
    return notice_create(
        actor=world.staff,
        community=world.community,
        title="公示",
        text="内容",
        starts_at=now,
        ends_at=now + dt.timedelta(days=7),
        files=files,
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_pdf_and_png_are_kept(world):
    notice = _create(world, [SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("图纸.png", PNG)])
    kinds = sorted(notice.attachments.values_list("content_type", flat=True))
    assert kinds == ["application/pdf", "image/png"]


def test_oversized_file_is_refused(world):
    big = SimpleUploadedFile("大.pdf", PDF + b"\0" * ATTACHMENT_MAX_BYTES)
    with pytest.raises(DomainError, match="超过 10 MB"):
        _create(world, [big])
    assert not Notice.objects.exists() and not NoticeAttachment.objects.exists()


def test_wrong_type_is_refused(world):
    with pytest.raises(DomainError, match="只能是 PDF"):
        _create(world, [SimpleUploadedFile("表格.xlsx", b"PK\x03\x04")])


def test_renamed_file_is_refused(world):
    with pytest.raises(DomainError, match="不符"):
        _create(world, [SimpleUploadedFile("假的.pdf", b"MZ\x90\x00 not a pdf")])
    assert not Notice.objects.exists()
