from django.contrib.contenttypes.models import ContentType

from .models import GeneratedDocument


def documents_for(target, *, kind: str, limit: int = 5) -> list[GeneratedDocument]:
    """The latest documents of a kind generated for an object, newest first."""
    return list(
        GeneratedDocument.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            kind=kind,
        ).select_related("requested_by")[:limit]
    )
