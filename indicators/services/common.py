"""What every indicator service shares: the refusal they raise."""

from __future__ import annotations


class IndicatorError(Exception):
    """A refusal with a message for the user, in the user's language. ``field`` names the
    form field it belongs to, when there is one; ``missing`` lists what is incomplete."""

    def __init__(self, message, *, field: str | None = None, missing=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.missing = missing or []

    def __str__(self):
        return str(self.message)
