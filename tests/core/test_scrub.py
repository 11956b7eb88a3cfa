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
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject

from gonghui.core.scrub import scrub, scrubbable

AUTHOR = "Zhang Sanfeng"
AUTHOR_ZH = "张三丰"


def spellings(data: bytes) -> list[bytes]:
    """Where ``data`` holds the author's name in any of the usual encodings."""
    found = []
    for name in (AUTHOR, AUTHOR_ZH):
        for enc in ("utf-8", "utf-16-be", "utf-16-le"):
            if name.encode(enc) in data:
                found.append(name.encode(enc))
    return found


def pdf_bytes(author: str = AUTHOR) -> bytes:
    """A one-page PDF whose document info and XMP name ``author`` (and a Chinese name)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Creator": AUTHOR_ZH, "/Title": "工资条"})
    xmp = StreamObject()
    xmp.set_data(f"<x:xmpmeta><dc:creator>{author}</dc:creator></x:xmpmeta>".encode())
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8298] = AUTHOR  # Copyright
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        z.writestr(
            "docProps/core.xml",
            '<cp:coreProperties xmlns:cp="x" xmlns:dc="y"><dc:creator>'
            f"{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR_ZH}</cp:lastModifiedBy>"
            "</cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml", f"<Properties><Company>{AUTHOR_ZH}公司</Company></Properties>"
        )
        z.writestr(
            "word/document.xml",
            f'<w:document><w:body><w:ins w:author="{AUTHOR}" w:initials="ZS">'
            "<w:r><w:t>加班工资</w:t></w:r></w:ins></w:body></w:document>",
        )
        z.writestr(
            "word/comments.xml",
            f'<w:comments><w:comment w:author="{AUTHOR_ZH}"><w:p/></w:comment></w:comments>',
        )
    return out.getvalue()


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
