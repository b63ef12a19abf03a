"""`make run` serves with gunicorn (several processes, threads, static files collected and
served by WhiteNoise); `make dev` keeps Django's reloading server. In the embedded default
each gunicorn process sweeps for documents a dead process left behind."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from portal.documents import recovery

REPO = Path(__file__).resolve().parents[2]


def _target(name):
    text = (REPO / "Makefile").read_text()
    match = re.search(rf"^{name}:.*?\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, f"no {name} target"
    return match.group(1)


def test_make_run_collects_static_then_serves_with_gunicorn():
    recipe = _target("run")
    assert "collectstatic --noinput" in recipe
    assert "gunicorn portal.wsgi -c gunicorn.conf.py" in recipe
    assert "runserver" not in recipe
    assert recipe.index("collectstatic") < recipe.index("gunicorn")


def test_make_dev_keeps_the_reloading_server():
    assert "manage.py runserver 127.0.0.1:$(PORT)" in _target("dev")


@pytest.fixture
def gunicorn_conf(monkeypatch):
    for name in ("PORT", "GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        monkeypatch.delenv(name, raising=False)
    return runpy.run_path(str(REPO / "gunicorn.conf.py"))


def test_gunicorn_runs_several_processes_with_threads(gunicorn_conf):
    assert gunicorn_conf["workers"] >= 2
    assert (gunicorn_conf["worker_class"], gunicorn_conf["threads"]) == ("gthread", 8)
    assert gunicorn_conf["workers"] * gunicorn_conf["threads"] >= 30
    assert gunicorn_conf["bind"] == "127.0.0.1:8000"
    assert gunicorn_conf["preload_app"] is False


def test_gunicorn_port_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8106")
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["bind"] == "127.0.0.1:8106"


def test_each_gunicorn_process_sweeps_documents_in_the_embedded_mode(
    gunicorn_conf, monkeypatch, settings
):
    started = []
    monkeypatch.setattr(recovery, "start_sweeper", lambda **kwargs: started.append(kwargs))
    settings.PORTAL_DOCUMENTS_IN_THREAD = True
    gunicorn_conf["post_worker_init"](worker=None)
    settings.PORTAL_DOCUMENTS_IN_THREAD = False
    gunicorn_conf["post_worker_init"](worker=None)
    assert started == [{}]


def test_whitenoise_serves_static_without_rescanning_under_make_run():
    code = "from django.conf import settings; print(settings.WHITENOISE_AUTOREFRESH)"
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_STATIC_AUTOREFRESH": "false"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == "False", out.stderr
