"""A real ``celery -A portal worker`` for the crash test, run in its own process.

Rendering is replaced by a stand-in that takes ``PORTAL_TEST_RENDER_SECONDS`` seconds and
writes the worker's name into the file, so that the test can tell who made it.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from portal.celery import app  # noqa: E402
from portal.documents import services  # noqa: E402

NAME = sys.argv[1]
QUEUE = sys.argv[2]
SECONDS = float(os.environ.get("PORTAL_TEST_RENDER_SECONDS", "0"))


def render(template, context, *, language="zh-hant"):
    time.sleep(SECONDS)
    return f"%PDF-1.7\n% made by {NAME}\n%%EOF\n".encode()


services.render_pdf = render

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--hostname",
            f"{NAME}@%h",
            "--queues",
            QUEUE,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ]
    )
