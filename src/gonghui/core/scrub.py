"""Strip what names a file's author before an upload is stored (DESIGN.md rule 2: an anonymous
item carries nothing that names its submitter — and files carry their author's name in metadata).

* Images (JPEG, PNG) are decoded and encoded again from their pixels alone: EXIF (camera owner,
  GPS, serial numbers), XMP, ICC and text chunks are gone; the EXIF orientation is applied first so
  the picture still stands the right way up.
* PDF: the pages are copied into a new document without the document information (/Author,
  /Creator, /Producer, …), XMP streams or annotation authors.
* Office Open XML (docx, xlsx, pptx): the zip is written again with empty core, app and custom
  properties (docProps/), no author of comments or tracked changes, and neutral timestamps.
* Plain text has no metadata. Other types (legacy .doc) cannot be scrubbed: ``scrubbable`` says so,
  and callers that must scrub refuse them.

``scrub(upload)`` returns a new in-memory file with the same name; a file that cannot be read as
its type is refused with a ValidationError naming the rule, never stored as it came.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

IMAGE_TYPES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
OOXML_TYPES = (".docx", ".xlsx", ".pptx")
PLAIN_TYPES = (".txt",)
# A zip that expands past this is refused (a "zip bomb" must not fill memory).
MAX_OOXML_EXPANDED = 200 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
)
_REPLACED = {
    "docprops/core.xml": _EMPTY_CORE,
    "docprops/app.xml": _EMPTY_APP,
    "docprops/custom.xml": _EMPTY_CUSTOM,
}
# Who wrote a comment or a tracked change (Word: attributes; Excel and PowerPoint: elements).
_AUTHOR_ATTR = re.compile(rb'\b((?:w:)?(?:author|initials)|displayName|userId)="[^"]*"')
_AUTHOR_ELEM = re.compile(rb"<(author)>[^<]*</\1>")
_PPT_AUTHORS = "ppt/commentauthors.xml"
_NAME_ATTR = re.compile(rb'\b(name)="[^"]*"')


def _ext(name: str) -> str:
    name = (name or "").lower()
    return name[name.rfind(".") :] if "." in name else ""


def scrubbable(name: str) -> bool:
    ext = _ext(name)
    return ext in IMAGE_TYPES or ext == ".pdf" or ext in OOXML_TYPES or ext in PLAIN_TYPES


def _unreadable() -> ValidationError:
    return ValidationError({"attachments": _("附件无法识别，请确认文件类型与扩展名一致")})


def scrub_image(data: IO[bytes], fmt: str) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(data) as opened:
            opened.load()
            upright = ImageOps.exif_transpose(opened)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _unreadable() from exc
    if fmt == "JPEG":
        keep = "L" if upright.mode in ("L", "1") else "RGB"
    else:
        keep = upright.mode if upright.mode in ("L", "LA", "RGB", "RGBA") else "RGBA"
    pixels = upright.convert(keep)
    # From raw pixels: the new image has no ``info`` (EXIF, XMP, ICC, text) to carry over.
    clean = Image.frombytes(keep, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def scrub_pdf(data: IO[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(data)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError({"attachments": _("加密的PDF不能作为附件，请去掉密码后上传")})
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise _unreadable() from exc
    writer.metadata = None  # no /Info dictionary at all (pypdf would add its /Producer)
    for page in writer.pages:
        for key in ("/Metadata", "/PieceInfo"):
            if key in page:
                del page[key]
        for ref in page.get("/Annots") or []:
            annot: Any = ref.get_object()
            for key in ("/T", "/Metadata"):
                if key in annot:
                    del annot[key]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scrub_ooxml(data: IO[bytes]) -> bytes:
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(data) as source:
            entries = source.infolist()
            if sum(e.file_size for e in entries) > MAX_OOXML_EXPANDED:
                raise ValidationError({"attachments": _("附件解压后过大")})
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for entry in entries:
                    lower = entry.filename.lower()
                    body = source.read(entry)
                    if lower in _REPLACED:
                        body = _REPLACED[lower]
                    elif lower.endswith((".xml", ".rels")):
                        body = _AUTHOR_ELEM.sub(rb"<\1></\1>", _AUTHOR_ATTR.sub(rb'\1=""', body))
                        if lower == _PPT_AUTHORS:
                            body = _NAME_ATTR.sub(rb'\1=""', body)
                    # Neutral timestamps: the zip's own dates tell when and in which time zone.
                    target.writestr(zipfile.ZipInfo(entry.filename, _EPOCH), body)
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise _unreadable() from exc
    return out.getvalue()


def scrub(upload: Any) -> ContentFile[bytes]:
    """A clean copy of ``upload`` (a Django UploadedFile or any named binary file)."""
    name = upload.name or ""
    ext = _ext(name)
    upload.seek(0)
    if ext in IMAGE_TYPES:
        body = scrub_image(upload, IMAGE_TYPES[ext])
    elif ext == ".pdf":
        body = scrub_pdf(upload)
    elif ext in OOXML_TYPES:
        body = scrub_ooxml(upload)
    elif ext in PLAIN_TYPES:
        body = upload.read()
    else:
        raise ValidationError({"attachments": _("该类型的附件无法去除作者信息")})
    return ContentFile(body, name=name)
