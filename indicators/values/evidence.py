"""Evidence files for a year's values: checked by their content, kept privately."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# The same file types, signatures and size limit as the plan's attachments.
from applications.services import ATTACHMENT_TYPES


def evidence_check(upload) -> tuple[str, str]:
    """Refuse a file that is not a PDF, PNG or JPEG by its content, or is too large.

    Returns the extension and the content type to store. The name alone proves nothing: the
    first bytes must be those of the type the extension claims."""
    name = getattr(upload, "name", "") or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Only PDF files and PNG or JPEG images can be attached.")})
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}}
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {
                "file": _("The file's content is not a %(ext)s file.")
                % {"ext": extension[1:].upper()}
            }
        )
    return extension, content_type
