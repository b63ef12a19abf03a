"""Real files of each kind that uploads take, small and made on the spot: every upload is
checked by its content (``portal.uploads``), so stand-ins of a few bytes are refused."""

import io


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _image(kind: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


PDF = _pdf()
PNG = _image("PNG")
JPEG = _image("JPEG")
