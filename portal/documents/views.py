from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.access import visible_or_404

from .enums import DocumentStatus
from .models import GeneratedDocument
from .registry import get_kind
from .services import DocumentError, document_retry, documents_recover


def _document(request, pk):
    document = get_object_or_404(GeneratedDocument.objects.select_related("requested_by"), pk=pk)
    visible_or_404(request, "documents.view_document", document)
    return document


def document_detail(request, pk):
    document = _document(request, pk)
    kind = get_kind(document.kind)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "kind": kind,
            "target": document.target,
            # Who asked for it is not for everyone to see (a reviewer's name, say).
            "show_requester": request.user.has_role("ministry")
            or document.requested_by_id == request.user.pk,
        },
    )


def document_status(request, pk):
    """The status fragment the page polls (htmx) until the file is ready."""
    document = _document(request, pk)
    if documents_recover(ids=[document.pk]):
        # Its worker died or its message was lost: sent again, shown as retrying.
        document.refresh_from_db()
    return render(request, "documents/_status.html", {"document": document})


@require_POST
def document_retry_view(request, pk):
    """The retry button of a document that could not be generated."""
    document = _document(request, pk)
    try:
        document = document_retry(document=document, by=request.user)
    except DocumentError as exc:
        messages.error(request, str(exc))
        document.refresh_from_db()
    if request.htmx:
        return render(request, "documents/_status.html", {"document": document})
    return redirect(document)


def document_download(request, pk):
    """Files are private: served only here, to those who may see the object."""
    document = _document(request, pk)
    if document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
