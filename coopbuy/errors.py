"""The base of every error a person may be shown.

Services raise these with a message written for the person who asked (translated), and, where a form
or API field is at fault, its name. Views turn them into form errors or messages, the API into
`application/problem+json`; nothing else reaches a user.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """A request that cannot be carried out; nothing has been changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
