"""Schemas every area's API shares: problems (RFC 9457), pages, money and safe text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

if TYPE_CHECKING:
    from coopbuy.accounts.models import User


PROBLEM_MEDIA_TYPE = "application/problem+json"
MONEY_PATTERN = r"^-?\d+\.\d{2}$"
NO_NUL_PATTERN = r"^[^\x00]*$"
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_nul(value: str) -> str:
    """PostgreSQL cannot store NUL characters; refuse them as input instead of failing later."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul), Field(json_schema_extra={"pattern": NO_NUL_PATTERN})]
"""Any free text a client sends (names, messages, search words); the schema says NUL is refused."""


def _money_string(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _money_input(value: object) -> object:
    """Amounts travel as strings, exactly as the schema says: a number (even 12) is refused, so a
    client that sends floats learns it at once rather than the day one arrives as 0.30000000004."""
    if not isinstance(value, str | Decimal):
        raise ValueError('send amounts as strings such as "12.50", never as numbers')
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money_input),
    PlainSerializer(_money_string, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["12.50"]}),
]
"""An amount of money: a Decimal in Python, a string with two decimals in JSON ("12.50"), never a
float. Areas that handle money (rounds, ledger) use it for every amount, in and out."""


LATITUDE = r"^-?(90(\.0{1,6})?|[1-8]?\d(\.\d{1,6})?)$"
LONGITUDE = r"^-?(180(\.0{1,6})?|(1[0-7]\d|[1-9]?\d)(\.\d{1,6})?)$"


def decimal_string(value: object) -> object:
    """A BeforeValidator: decimals (rates, percents, coordinates) travel as strings, exactly."""
    if not isinstance(value, str | Decimal):
        raise ValueError('send it as a decimal string such as "2.40", never as a number')
    return value


def whole_number(value: object) -> object:
    """A BeforeValidator: an integer in JSON, 3 or 3.0 (both integers to JSON Schema), never true
    or "3"."""
    if isinstance(value, bool | str):
        raise ValueError("send a whole number")
    return value


def date_string(value: object) -> object:
    """A BeforeValidator: a date as the string 2026-11-27, never a number of seconds (in a query
    string "0" would otherwise be 1 January 1970)."""
    if isinstance(value, date) or (isinstance(value, str) and DATE_PATTERN.fullmatch(value)):
        return value
    raise ValueError("send a date such as 2026-11-27")


# Coordinates travel as decimal strings ("51.507400"), as money does: exact, never floats.
Latitude = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    Field(ge=-90, le=90, max_digits=9, decimal_places=6),
    WithJsonSchema({"type": "string", "pattern": LATITUDE, "examples": ["51.507400"]}),
]
Longitude = Annotated[
    Decimal,
    BeforeValidator(decimal_string),
    Field(ge=-180, le=180, max_digits=9, decimal_places=6),
    WithJsonSchema({"type": "string", "pattern": LONGITUDE, "examples": ["-0.127800"]}),
]


class Input(Schema):
    """The base of every request body: a JSON object (never a list or a bare value)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps the input
        if not isinstance(raw, dict):
            raise ValueError("send a JSON object")
        return data


class FieldError(Schema):
    field: str | None = Field(
        description="The input at fault (a JSON field, a query parameter "
        "or a header), or null when the request as a whole is refused."
    )
    message: str


class Problem(Schema):
    """An error, as `application/problem+json` (RFC 9457)."""

    type: str = Field(
        description="A URI naming the kind of problem, e.g. urn:coopbuy:problem:validation-error."
    )
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class Paging(Schema):
    limit: int = Field(25, ge=1, le=100, description="How many items per page (1 to 100).")
    offset: int = Field(0, ge=0, le=1_000_000, description="How many items to skip.")


class Page[T](Schema):
    """One page of a list: the items, how many there are in all, and links to the neighbours."""

    items: list[T]
    count: int
    next: str | None
    previous: str | None


class Ok(Schema):
    """A write that has nothing more to say than that it happened."""

    ok: bool = True


class PersonOut(Schema):
    """Another person as members see them: a name, never an email address."""

    id: int
    name: str

    @classmethod
    def of(cls, user: User) -> PersonOut:
        return cls(id=user.pk, name=user.name)
