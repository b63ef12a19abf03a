"""Readable names of the audit trail's actions. Apps add theirs with ``register``."""

from django.utils.translation import gettext_lazy as _

_LABELS = {
    "user.create": _("Account created"),
    "user.update": _("Account changed"),
    "user.password_reset_sent": _("Set-password link sent"),
    "grant.add": _("Role granted"),
    "grant.revoke": _("Role revoked"),
    "school.create": _("School added"),
    "school.update": _("School changed"),
    "school.import.create": _("School added by import"),
    "school.import.update": _("School changed by import"),
    "import.apply": _("Import applied"),
    "import.discard": _("Import discarded"),
    "evaluation_cycle.create": _("Evaluation cycle created"),
    "evaluation_cycle.update": _("Evaluation cycle changed"),
    "evaluation.create": _("Evaluation scores recorded"),
    "evaluation.update": _("Evaluation scores changed"),
    "phase.create": _("Phase created"),
    "phase.update": _("Phase changed"),
    "window.create": _("Application window created"),
    "window.update": _("Application window changed"),
    "document.request": _("Document requested"),
}


def register(labels: dict) -> None:
    _LABELS.update(labels)


def action_label(code: str):
    return _LABELS.get(code, code)


def action_choices():
    return sorted(((code, label) for code, label in _LABELS.items()), key=lambda c: c[0])
