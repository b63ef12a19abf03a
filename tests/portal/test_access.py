"""Authorisation on every page of portal/*/urls.py, for every role.

Anonymous visitors are sent to the log-in page; a role that has no business on a page gets
403; the right role on another school's object gets 404 (it does not learn the object
exists); the right role gets the page. A page added to portal/*/urls.py without a row
here fails ``test_every_portal_page_is_in_the_table``.
"""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.accounts.models import RoleGrant
from portal.documents.models import GeneratedDocument
from portal.imports.models import ImportJob
from portal.programme.models import ApplicationWindow, Phase
from portal.schools.models import County, EvaluationCycle
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "ministry",
    "coordinator",
    "principal",
    "committee",
    "advisor",
    "inspector",
    "panel",
    "nobody",
    "other_coordinator",  # the coordinator of another school in the same county
    "far_inspector",  # an inspector of another county
]
LOGGED_IN = ROLES[1:]
LOGIN = "login"  # anonymous: redirected to /accounts/login/?next=<path>


def expect(default, **by_role):
    """Expected status per role: ``default`` for logged-in roles not named, and a redirect to
    log in for anonymous visitors unless named."""
    return {"anonymous": LOGIN, **dict.fromkeys(LOGGED_IN, default), **by_role}


MINISTRY_ONLY = expect(403, ministry=200)
MINISTRY_ONLY_ACTION = expect(403, ministry=302)
# School objects: the ministry, the school's own staff and the inspector of its county see
# them; everyone else is told they do not exist.
SCHOOL_VIEWERS = expect(404, ministry=200, coordinator=200, principal=200, inspector=200)
ANY_LOGGED_IN = expect(200)
PUBLIC = dict.fromkeys(ROLES, 200)

# url name → (method, kwargs from the objects fixture, expected status per role)
PAGES = {
    # portal/urls.py
    "home": ("get", {}, ANY_LOGGED_IN),
    "healthz": ("get", {}, PUBLIC),
    "set_language": ("post", {}, dict.fromkeys(ROLES, 302)),
    "admin:index": ("get", {}, dict.fromkeys(ROLES, 302)),
    # portal/accounts/urls.py: Django's authentication views
    "login": ("get", {}, {**dict.fromkeys(LOGGED_IN, 302), "anonymous": 200}),
    "logout": ("post", {}, {**dict.fromkeys(LOGGED_IN, 302), "anonymous": LOGIN}),
    "password_change": ("get", {}, ANY_LOGGED_IN),
    "password_change_done": ("get", {}, ANY_LOGGED_IN),
    "password_reset": ("get", {}, PUBLIC),
    "password_reset_done": ("get", {}, PUBLIC),
    "password_reset_confirm": ("get", {"uidb64": "MQ", "token": "set-password"}, PUBLIC),
    "password_reset_complete": ("get", {}, PUBLIC),
    # portal/accounts/urls.py: managing accounts
    "accounts:user_list": ("get", {}, MINISTRY_ONLY),
    "accounts:user_create": ("get", {}, MINISTRY_ONLY),
    "accounts:user_detail": ("get", {"pk": "user"}, MINISTRY_ONLY),
    "accounts:user_edit": ("get", {"pk": "user"}, MINISTRY_ONLY),
    "accounts:user_send_reset": ("post", {"pk": "user"}, MINISTRY_ONLY_ACTION),
    "accounts:grant_revoke": ("post", {"pk": "user", "grant_pk": "grant"}, MINISTRY_ONLY_ACTION),
    # portal/schools/urls.py
    "schools:list": ("get", {}, expect(403, ministry=200, inspector=200, far_inspector=200)),
    "schools:create": ("get", {}, MINISTRY_ONLY),
    "schools:import": ("get", {}, MINISTRY_ONLY),
    "schools:detail": ("get", {"code": "school"}, SCHOOL_VIEWERS),
    "schools:edit": (
        "get",
        {"code": "school"},
        {**SCHOOL_VIEWERS, "coordinator": 403, "principal": 403, "inspector": 403},
    ),
    "schools:profile_pdf": (
        "post",
        {"code": "school"},
        {**SCHOOL_VIEWERS, "ministry": 302, "coordinator": 302, "principal": 302, "inspector": 403},
    ),
    "schools:import_preview": ("get", {"pk": "batch"}, MINISTRY_ONLY),
    "schools:cycle_list": ("get", {}, MINISTRY_ONLY),
    "schools:cycle_create": ("get", {}, MINISTRY_ONLY),
    "schools:cycle_detail": ("get", {"pk": "cycle"}, MINISTRY_ONLY),
    "schools:cycle_edit": ("get", {"pk": "cycle"}, MINISTRY_ONLY),
    "schools:cycle_import": ("get", {"pk": "cycle"}, MINISTRY_ONLY),
    "schools:evaluation_edit": ("get", {"pk": "cycle", "code": "school"}, MINISTRY_ONLY),
    # portal/programme/urls.py
    "programme:calendar": ("get", {}, MINISTRY_ONLY),
    "programme:phase_create": ("get", {}, MINISTRY_ONLY),
    "programme:phase_edit": ("get", {"pk": "phase"}, MINISTRY_ONLY),
    "programme:window_create": ("get", {}, MINISTRY_ONLY),
    "programme:window_edit": ("get", {"pk": "window"}, MINISTRY_ONLY),
    # portal/audit/urls.py
    "audit:list": ("get", {}, MINISTRY_ONLY),
    # portal/documents/urls.py: a document of the school
    "documents:detail": ("get", {"pk": "document"}, SCHOOL_VIEWERS),
    "documents:status": ("get", {"pk": "document"}, SCHOOL_VIEWERS),
    "documents:download": ("get", {"pk": "document"}, SCHOOL_VIEWERS),
    # (a done document: those who see it are sent back to it, told it cannot be retried)
    "documents:retry": (
        "post",
        {"pk": "document"},
        expect(404, ministry=302, coordinator=302, principal=302, inspector=302),
    ),
}

CORE_NAMESPACES = {"accounts", "schools", "programme", "audit", "documents"}


def _portal_url_names():
    """Every named page of portal/urls.py and the core apps' urls.py (the admin as one)."""
    names = set()
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern):
            names.add(entry.name)
        elif isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                names.add("admin:index")
            elif entry.namespace in CORE_NAMESPACES:
                names |= {f"{entry.namespace}:{p.name}" for p in entry.url_patterns}
            elif isinstance(entry.urlconf_name, list):  # Django's auth views, unnamespaced
                names |= {p.name for p in entry.url_patterns}
    return names - {None}


def test_every_portal_page_is_in_the_table():
    assert _portal_url_names() == set(PAGES)


@pytest.fixture
def users(role_users, nobody, other_coordinator):
    far_inspector = grant(
        UserFactory(username="far-inspector"),
        "inspector",
        county=County.objects.get(code="kaohsiung"),
    )
    return {
        **role_users,
        "nobody": nobody,
        "other_coordinator": other_coordinator,
        "far_inspector": far_inspector,
    }


@pytest.fixture
def objects(school, ministry):
    """The objects the pages are about: all of (or about) ``school``."""
    person = grant(UserFactory(username="target-user"), "advisor")
    document = GeneratedDocument.objects.create(
        kind="school_profile",
        target_type=ContentType.objects.get_for_model(school),
        target_id=school.pk,
        status="done",
        file_name="profile.pdf",
    )
    document.file.save("profile.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return {
        "school": school.code,
        "user": person.pk,
        "grant": RoleGrant.objects.get(user=person).pk,
        "batch": ImportJob.objects.create(
            kind="schools", file_name="directory.csv", uploaded_by=ministry
        ).pk,
        "cycle": EvaluationCycle.objects.get().pk,
        "phase": Phase.objects.get(start_year=109).pk,
        "window": ApplicationWindow.objects.create(
            academic_year=116, opens_on=dt.date(2027, 4, 1), closes_on=dt.date(2027, 6, 30)
        ).pk,
        "document": document.pk,
    }


def _outcome(response, path):
    if response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}":
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", list(PAGES))
def test_page_access_by_role(client, users, objects, name):
    method, kwargs, expected = PAGES[name]
    path = reverse(name, kwargs={key: objects.get(value, value) for key, value in kwargs.items()})
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = getattr(client, method)(path)
        seen[role] = _outcome(response, path)
    assert seen == expected


def test_admin_sends_everyone_to_its_own_login(client, users):
    """The admin is for staff accounts only (none of the portal's roles is one)."""
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"
