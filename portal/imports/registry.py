"""The kinds of import: each app registers how its rows are read and applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class ImportKind:
    """``read(job, table)`` checks the rows read from the file and returns ``(rows, errors)``:
    the rows to apply, as JSON, and one ``{"row", "label", "messages"}`` per row in error; it
    raises ``TableError`` when the file is not a table of this import at all.
    ``apply(job, by)`` changes the data (inside a transaction, all or nothing) and returns what
    to tell the user; it raises ``ImportRefused`` when the rows are not valid any more."""

    key: str
    read: Callable
    apply: Callable
    max_rows: int
    max_bytes: int | None = None

    @property
    def byte_cap(self) -> int:
        return self.max_bytes or settings.IMPORT_MAX_BYTES


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    _KINDS[kind.key] = kind


def get(key: str) -> ImportKind:
    return _KINDS[key]
