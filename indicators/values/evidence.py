"""Evidence files for a year's values: checked by their content, kept privately."""

from __future__ import annotations

from portal.uploads import checked_upload


def evidence_check(upload) -> tuple[str, str]:
    """Refuse a file that is not a PDF, PNG or JPEG by its content, or is too large: the same
    check as every upload's. Returns the extension and the content type to store."""
    return checked_upload(upload)
