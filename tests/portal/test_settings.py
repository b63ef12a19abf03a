"""Settings: production checks, Taiwan's time and language, database connections."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parents[2]

# Set by tests/conftest.py for Playwright; a deployment never has it.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check_deploy(**env):
    """``manage.py check --deploy --fail-level WARNING`` in a fresh process, as deployed:
    the current environment without test-only variables, plus ``env``."""
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV} | env
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_debug_off():
    """With DEBUG off, a real secret key and hosts, the deploy checks raise no warning."""
    result = _check_deploy(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.example.gov.tw",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_the_development_secret_key():
    """The refusal next to it: the built-in development key does not pass (security.W009)."""
    result = _check_deploy(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="django-insecure-local-development-key-change-me-in-production",
        DJANGO_ALLOWED_HOSTS="portal.example.gov.tw",
    )
    assert result.returncode == 1
    assert "security.W009" in result.stderr


def test_time_zone_is_asia_taipei():
    """SCHED-2, APP-3: dates and times are Taiwan's."""
    assert settings.TIME_ZONE == "Asia/Taipei"
    assert settings.USE_TZ is True
    assert settings.CELERY_TIMEZONE == "Asia/Taipei"


def test_language_code_is_zh_hant_with_english():
    assert settings.LANGUAGE_CODE == "zh-hant"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hant", "en"]


def test_database_connections_persistent_with_health_checks():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_private_files_have_no_public_url():
    """Generated files are private: their storages have no base URL (not even MEDIA_URL's),
    so a file's ``url`` raises instead of pointing somewhere."""
    from django.core.files.storage import storages

    for alias in ("private", "default"):
        assert settings.STORAGES[alias]["BACKEND"] == "portal.documents.storage.PrivateStorage"
        assert storages[alias].base_url is None
        with pytest.raises(ValueError):
            storages[alias].url("documents/school_profile/1-x.pdf")


def _settings_in_a_fresh_process(expression, **env):
    """The value of ``expression`` (over ``settings``) with the environment ``env``."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in TEST_ONLY_ENV and k not in {"DATABASE_MIGRATE_URL", "DJANGO_TRUSTED_PROXIES"}
    } | env
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_time_out_quickly():
    options = _settings_in_a_fresh_process(
        "settings.DATABASES['default']['OPTIONS']",
        DATABASE_URL="postgres://portal_app:pw@db.example:5432/portal",
    )
    assert options == "{'connect_timeout': 5}"


def test_migrate_url_is_the_owner_and_database_url_the_application():
    value = _settings_in_a_fresh_process(
        "(settings.DATABASES['default']['USER'], settings.DATABASE_MIGRATE['USER'],"
        " settings.DATABASE_MIGRATE['NAME'])",
        DATABASE_URL="postgres://portal_app:pw@db.example:5432/portal",
        DATABASE_MIGRATE_URL="postgres://portal:owner@db.example:5432/portal",
    )
    assert value == "('portal_app', 'portal', 'portal')"


def test_without_a_migrate_url_migrations_use_database_url():
    value = _settings_in_a_fresh_process(
        "settings.DATABASE_MIGRATE", DATABASE_URL="sqlite:////tmp/settings-test.sqlite3"
    )
    assert value == "None"


def test_trusted_proxies_read_from_the_environment():
    value = _settings_in_a_fresh_process(
        "settings.PORTAL_TRUSTED_PROXIES", DJANGO_TRUSTED_PROXIES="10.0.0.5,172.18.0.0/16"
    )
    assert value == "['10.0.0.5', '172.18.0.0/16']"


def test_login_and_reset_limits():
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert settings.AXES_HANDLER == "portal.accounts.throttle.PortalAxesHandler"
    assert (settings.AXES_FAILURE_LIMIT, settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 30)
    assert (
        settings.PORTAL_RESET_LIMIT_PER_ACCOUNT,
        settings.PORTAL_RESET_LIMIT_PER_ADDRESS,
        settings.PORTAL_RESET_WINDOW_SECONDS,
    ) == (3, 10, 3600)
