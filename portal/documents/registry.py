"""The kinds of generated document. Each app registers its kinds in its ``reports.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class DocumentKind:
    key: str
    label: Any  # a lazy translation
    model: str  # "app_label.ModelName" of the object the document belongs to
    template: str
    view_permission: str  # who may see the object may download its documents
    request_permission: str  # who may ask for a new one
    context: Callable[[Any], dict]
    file_name: Callable[[Any], str]
    language: str = "zh-hant"

    @property
    def model_class(self):
        return apps.get_model(self.model)


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> DocumentKind | None:
    return _KINDS.get(key)


def all_kinds() -> list[DocumentKind]:
    return list(_KINDS.values())
