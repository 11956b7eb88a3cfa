"""core.scrub (DESIGN.md rule 2, issue 16 item 2): an upload keeps no author's name in its
metadata — a PDF's /Author and XMP, a photo's EXIF, an Office document's core properties and
comment authors — and stays a readable file of its type."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from gonghui.core.scrub import scrub, scrubbable
from tests.factories import AUTHOR, docx_bytes, jpeg_bytes, pdf_bytes, spellings


def test_a_pdf_keeps_its_pages_but_no_author() -> None:
    source = pdf_bytes()
    assert spellings(source)  # the fixture does carry the name
    clean = scrub(SimpleUploadedFile("工资条.pdf", source)).read()
    assert spellings(clean) == []
    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 1
    assert not reader.metadata  # no /Info at all, not even pypdf's /Producer
    assert "/Metadata" not in reader.trailer["/Root"]


def test_a_photo_is_re_encoded_without_exif_and_stays_upright() -> None:
    source = jpeg_bytes()
    assert spellings(source)
    clean = scrub(SimpleUploadedFile("photo.JPG", source)).read()
    assert spellings(clean) == []
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (20, 40)  # the orientation was applied before EXIF went


def test_a_png_loses_its_text_chunks() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", AUTHOR)
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="PNG", pnginfo=info)
    assert spellings(out.getvalue())
    clean = scrub(SimpleUploadedFile("a.png", out.getvalue())).read()
    assert spellings(clean) == []
    with Image.open(io.BytesIO(clean)) as image:
        assert image.format == "PNG" and image.size == (8, 8)


def test_a_docx_loses_core_app_properties_and_comment_authors() -> None:
    source = docx_bytes()
    assert spellings(source)
    clean = scrub(SimpleUploadedFile("意见.docx", source)).read()
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        assert sorted(z.namelist()) == sorted(zipfile.ZipFile(io.BytesIO(source)).namelist())
        for name in z.namelist():
            assert spellings(z.read(name)) == [], name
        assert "加班工资".encode() in z.read("word/document.xml")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())


@pytest.mark.parametrize(
    ("name", "body"),
    [("a.pdf", b"%PDF-1.4 not really"), ("a.jpg", b"not an image"), ("a.docx", b"PK no zip")],
)
def test_a_file_that_is_not_its_type_is_refused(name: str, body: bytes) -> None:
    with pytest.raises(ValidationError) as err:
        scrub(SimpleUploadedFile(name, body))
    assert "附件无法识别" in str(err.value)


def test_legacy_word_cannot_be_scrubbed() -> None:
    assert not scrubbable("old.doc") and scrubbable("new.DOCX") and scrubbable("a.txt")
    with pytest.raises(ValidationError):
        scrub(SimpleUploadedFile("old.doc", b"\xd0\xcf\x11\xe0"))
