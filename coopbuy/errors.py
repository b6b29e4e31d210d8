"""The base of every error a person may be shown.

Services raise these with a message written for the person who asked (translated), and, where a form
or API field is at fault, its name. Views turn them into form errors or messages, the API into
`application/problem+json`; nothing else reaches a user.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _lazy


class UserFacingError(Exception):
    """A request that cannot be carried out; nothing has been changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


# Django's own form messages ("Ensure that there are no more than 12 digits in total.") rewritten in
# the product's voice, for the money and count fields people fill in.
MONEY_MESSAGES = {
    "required": _lazy("Give an amount, such as 12.50."),
    "invalid": _lazy("Give an amount in figures, such as 12.50."),
    "max_digits": _lazy("That amount is too large to record: check it."),
    "max_whole_digits": _lazy("That amount is too large to record: check it."),
    "max_decimal_places": _lazy("Give at most two decimals (pence or cents)."),
    "min_value": _lazy("Give an amount of at least %(limit_value)s."),
    "max_value": _lazy("Give an amount of at most %(limit_value)s."),
}
WHOLE_NUMBER_MESSAGES = {
    "required": _lazy("Give a whole number, such as 3."),
    "invalid": _lazy("Give a whole number, such as 3."),
    "min_value": _lazy("Give %(limit_value)s or more."),
    "max_value": _lazy("Give %(limit_value)s or less."),
}
