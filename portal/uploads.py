"""One check of every uploaded file by its content: the name only says what the file claims
to be; the check parses it as that (a PDF as a PDF, an image by decoding it, an Office file as
its package), and refuses anything else, including files that are two things at once."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: What an Office package must declare in ``[Content_Types].xml`` for its main part.
OFFICE_MAIN_PARTS = {
    ".xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
}
#: An Office package that unpacks to more than this is refused (a "zip bomb").
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

#: The attachments' kinds: PDF files and PNG or JPEG images.
ATTACHMENTS = (".pdf", ".png", ".jpg", ".jpeg")


class ContentError(Exception):
    """The file is not what its name says; a message, if given, says more precisely why."""


def _is_zip(upload) -> bool:
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def _check_pdf(upload) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if upload.read(5) != b"%PDF-":
        raise ContentError
    upload.seek(0)
    if _is_zip(upload):
        raise ContentError  # a PDF that is also a ZIP archive
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(upload, strict=False)
            if reader.is_encrypted:
                return  # its pages cannot be read without the password; it is a PDF
            # The document's catalogue and page tree must parse, and its first page if any.
            if len(reader.pages):
                reader.pages[0].mediabox  # noqa: B018
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ContentError from exc


def _check_image(expected: str) -> Callable:
    def check(upload) -> None:
        from PIL import Image

        if _is_zip(upload):
            raise ContentError
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(upload) as image:
                    if image.format != expected:
                        raise ContentError
                    image.verify()
                upload.seek(0)
                # verify() checks the structure; decoding every pixel finds truncated or
                # corrupt image data too.
                with Image.open(upload) as image:
                    image.load()
        except ContentError:
            raise
        except Exception as exc:  # Pillow raises many kinds for a file it cannot decode
            raise ContentError from exc

    return check


def _check_office(extension: str) -> Callable:
    def check(upload) -> None:
        if upload.read(5) == b"%PDF-":
            raise ContentError
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as package:
                if sum(i.file_size for i in package.infolist()) > MAX_UNPACKED_BYTES:
                    raise ContentError
                types = package.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
            raise ContentError from exc
        if OFFICE_MAIN_PARTS[extension] not in types:
            raise ContentError

    return check


def _check_csv(upload) -> None:
    raw = upload.read()
    if b"\x00" in raw or raw.startswith((b"%PDF-", b"PK\x03\x04")):
        raise ContentError
    for encoding in ("utf-8-sig", "cp950"):
        try:
            raw.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    raise ContentError(_("The file is neither UTF-8 nor Big5 text."))


#: extension → (content type to store and serve, check of the content)
KINDS: dict[str, tuple[str, Callable]] = {
    ".pdf": ("application/pdf", _check_pdf),
    ".png": ("image/png", _check_image("PNG")),
    ".jpg": ("image/jpeg", _check_image("JPEG")),
    ".jpeg": ("image/jpeg", _check_image("JPEG")),
    ".xlsx": (XLSX, _check_office(".xlsx")),
    ".docx": (DOCX, _check_office(".docx")),
    ".csv": ("text/csv", _check_csv),
}
_NAMES = {".pdf": "PDF", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".xlsx": "Excel",
          ".docx": "Word", ".csv": "CSV"}  # fmt: skip


def image_kind(upload) -> str | None:
    """``.png`` or ``.jpg``, whichever the content decodes as, whatever the file is called;
    None when it is neither (the same checks as ``check_content``)."""
    try:
        for extension in (".png", ".jpg"):
            try:
                KINDS[extension][1](upload)
                return extension
            except ContentError:
                continue
            finally:
                upload.seek(0)
    finally:
        upload.seek(0)
    return None


def extension_of(upload) -> str:
    name = getattr(upload, "name", "") or ""
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def check_content(
    upload, *, allowed: tuple[str, ...], max_bytes: int, field: str = "file", kinds_refusal=None
) -> tuple[str, str]:
    """``(extension, content type)`` of an upload whose extension is ``allowed``, whose size is
    at most ``max_bytes`` and whose content parses as that kind; else a ``ValidationError`` on
    ``field`` in the user's language (``kinds_refusal`` says which kinds are accepted). The
    file is left at its start."""
    extension = extension_of(upload)
    if extension not in allowed:
        names = "、".join(dict.fromkeys(_NAMES[e] for e in allowed))
        raise ValidationError(
            {
                field: kinds_refusal
                or _("Only these files are accepted: %(kinds)s.") % {"kinds": names}
            }
        )
    if upload.size > max_bytes:
        raise ValidationError(
            {field: _("The file is larger than %(size)s.") % {"size": filesizeformat(max_bytes)}}
        )
    content_type, check = KINDS[extension]
    upload.seek(0)
    try:
        check(upload)
    except ContentError as exc:
        message = str(exc) or _("The file's content is not a %(ext)s file.") % {
            "ext": extension[1:].upper()
        }
        raise ValidationError({field: message}) from None
    finally:
        upload.seek(0)
    return extension, content_type


def checked_upload(upload, field: str = "file") -> tuple[str, str]:
    """An attachment: a PDF, PNG or JPEG, size-capped, checked by its content."""
    return check_content(
        upload,
        allowed=ATTACHMENTS,
        max_bytes=settings.PORTAL_ATTACHMENT_MAX_BYTES,
        field=field,
        kinds_refusal=_("Only PDF files and PNG or JPEG images can be attached."),
    )
