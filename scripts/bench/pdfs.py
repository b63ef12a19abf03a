"""Time one generated document end to end against a bare WeasyPrint render of its HTML.

Run in its own process per document (inside the portal, bench settings, a bench database),
as a worker would: WeasyPrint is loaded and warmed once, at start (one render of the same
HTML, so that the fonts are read before either side is timed). Then:

- end to end: ``document_request`` (as the page does) and the Celery task
  ``generate_document`` run in this process (claim, the kind's context from the database,
  the template, WeasyPrint, storing the file), as the worker runs it;
- bare: ``HTML(string=...).write_pdf()`` of the very HTML the pipeline renders.

Prints JSON: medians of ``--repeat`` runs, the PDF's size and the process's peak memory
(measured right after the first end-to-end run; it includes the warm-up render).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")

import django  # noqa: E402

django.setup()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", required=True)
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--budget", type=float, default=60, help="seconds; fewer repeats beyond")
    args = parser.parse_args()

    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from portal import scale
    from portal.accounts.models import User
    from portal.documents import services
    from portal.documents.models import GeneratedDocument
    from portal.documents.pdf import font_faces
    from portal.documents.registry import get_kind
    from portal.documents.tasks import generate_document

    spec = get_kind(args.kind)
    target = spec.model_class.objects.get(pk=args.target)
    by = User.objects.get(username=scale.MINISTRY_USERNAME)
    with translation.override(spec.language):
        html = render_to_string(spec.template, {**spec.context(target), "pdf_fonts": font_faces()})
    # The worker has WeasyPrint loaded and the embedded fonts read before the first task:
    # one render of the same HTML, so that neither side below pays for the first load.
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=FontConfiguration())
    start_mb = peak_mb()
    pipeline, bare, size, memory = [], [], 0, 0.0
    spent = time.perf_counter()
    for i in range(args.repeat):
        started = time.perf_counter()
        # This process is the worker: the request must not hand the task to a thread or broker.
        with services.requests_not_sent():
            document = services.document_request(kind=args.kind, target=target, by=by)
        generate_document.apply(args=(document.pk,))
        pipeline.append(time.perf_counter() - started)
        document = GeneratedDocument.objects.get(pk=document.pk)
        if document.status != "done":
            print(
                json.dumps({"error": f"document {document.pk}: {document.status} {document.error}"})
            )
            return
        size = document.file.size
        if i == 0:
            memory = peak_mb()
        if time.perf_counter() - spent > args.budget:
            break

    for _i in range(len(pipeline)):
        started = time.perf_counter()
        HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            font_config=FontConfiguration()
        )
        bare.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "pipeline_s": statistics.median(pipeline),
                "bare_s": statistics.median(bare),
                "runs": len(pipeline),
                "bytes": size,
                "html_bytes": len(html.encode()),
                "peak_mb": round(memory, 1),
                "weasyprint_loaded_mb": round(start_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
