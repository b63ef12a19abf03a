"""HTML to PDF with WeasyPrint, with the Traditional Chinese font embedded."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def font_faces() -> dict[str, str]:
    """File URLs of the vendored Noto Sans TC faces, for the PDF stylesheet."""
    font_dir = settings.PDF_FONT_DIR
    return {
        "regular": (font_dir / "NotoSansTC-Regular.ttf").as_uri(),
        "bold": (font_dir / "NotoSansTC-Bold.ttf").as_uri(),
    }


def render_pdf(template: str, context: dict, *, language: str = "zh-hant") -> bytes:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with translation.override(language):
        html = render_to_string(template, {**context, "pdf_fonts": font_faces()})
    fonts = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)
