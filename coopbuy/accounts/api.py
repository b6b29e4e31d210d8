"""The person calling the API: who I am, my token, and my profile (/api/v1/me)."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from coopbuy.accounts.models import User
from coopbuy.accounts.services import profile_update
from coopbuy.api.auth import caller, principal
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Latitude, Longitude, Text

router = Router(tags=["people"])

Language = Literal["en-gb"]  # settings.LANGUAGES; a test keeps them the same


class TokenInfo(Schema):
    name: str
    scope: str
    group: str | None
    expires_at: datetime


class MeOut(Schema):
    id: int
    email: str
    name: str = Field(description="How others see me: my display name, or my email's first part.")
    display_name: str
    home_place: str
    home_latitude: Latitude | None
    home_longitude: Longitude | None
    language: Language
    token: TokenInfo | None = None

    @classmethod
    def of(cls, request: HttpRequest, user: User) -> "MeOut":
        token, info = principal(request).token, None
        if token is not None:
            info = TokenInfo(
                name=token.name,
                scope=token.scope,
                group=token.group.slug if token.group else None,
                expires_at=token.expires_at,
            )
        return cls.model_validate(
            {
                "id": user.pk,
                "email": user.email,
                "name": user.name,
                "display_name": user.display_name,
                "home_place": user.home_place,
                "home_latitude": user.home_latitude,
                "home_longitude": user.home_longitude,
                "language": user.language,
                "token": info,
            }
        )


class ProfileIn(Input):
    """Only the fields sent change; null clears the home coordinates (send both or neither)."""

    display_name: Text | None = Field(None, max_length=80)
    home_place: Text | None = Field(None, max_length=120)
    home_latitude: Latitude | None = None
    home_longitude: Longitude | None = None
    language: Language | None = None


@router.get("/me", response={200: MeOut, **problem_responses()})
def me(request: HttpRequest) -> MeOut:
    """Who I am, my profile, and the token I am using if any."""
    return MeOut.of(request, caller(request))


@router.patch("/me", response={200: MeOut, **problem_responses()})
def update_me(request: HttpRequest, payload: ProfileIn) -> MeOut:
    """Change my display name, home place (for finding groups near me) or language."""
    user = caller(request)
    values: dict[str, Any] = {
        "display_name": user.display_name,
        "home_place": user.home_place,
        "home_latitude": user.home_latitude,
        "home_longitude": user.home_longitude,
        "language": user.language,
    }
    for name, value in payload.model_dump(exclude_unset=True).items():
        if value is not None or name in {"home_latitude", "home_longitude"}:
            values[name] = value
    return MeOut.of(request, profile_update(user=user, **values))
