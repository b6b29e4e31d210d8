"""Suggested groups in the API: GET /api/v1/me/suggestions, POST .../{id}/accept and .../decline.

Starting one is in the groups area (`coopbuy.groups.suggestions_api`), which may create groups.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from coopbuy.accounts.models import User
from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Money
from coopbuy.interest import suggestions
from coopbuy.interest.models import Suggestion

router = Router(tags=["suggestions"])


class SuggestedMemberOut(Schema):
    name: str
    state: Literal["proposed", "accepted", "declined"]
    host: bool


class SuggestionOut(Schema):
    id: int
    headline: str
    supplier: str
    place: str
    expected_order_value: Money
    min_order_value: Money
    min_size: int
    accepted: int
    my_state: Literal["proposed", "accepted", "declined"]
    can_start: bool = Field(
        description="I may start it now: POST .../start (accepting for me first if I have not)."
    )
    status: Literal["open", "started", "expired"]
    expires_at: datetime = Field(
        description="An open suggestion nobody answers expires then (each answer moves it on)."
    )
    group_slug: str | None
    members: list[SuggestedMemberOut]
    created_at: datetime

    @classmethod
    def of(cls, suggestion: Suggestion, user: User) -> "SuggestionOut":
        members = list(suggestion.members.select_related("user").order_by("pk"))
        accepted = sum(1 for m in members if m.state == "accepted")
        return cls(
            id=suggestion.pk,
            headline=suggestions.headline(suggestion, len(members)),
            supplier=suggestion.supplier,
            place=suggestion.place,
            expected_order_value=Decimal(suggestion.expected_order_value),
            min_order_value=Decimal(suggestion.min_order_value),
            min_size=suggestion.min_size,
            accepted=accepted,
            my_state=next(m.state for m in members if m.user_id == user.pk),  # type: ignore[misc]
            can_start=suggestions.would_start(suggestion, user),
            status=suggestions.status_of(suggestion),  # type: ignore[arg-type]
            expires_at=suggestion.expires_at,
            group_slug=suggestion.group.slug if suggestion.group is not None else None,
            members=[
                SuggestedMemberOut(
                    name=m.user.name,
                    state=m.state,  # type: ignore[arg-type]
                    host=m.user_id == suggestion.host_id,
                )
                for m in members
            ],
            created_at=suggestion.created_at,
        )


def one(request: HttpRequest, suggestion_id: int) -> SuggestionOut:
    user = caller(request)
    try:
        member = suggestions.suggested_member_for(suggestion_id=suggestion_id, user=user)
    except Suggestion.DoesNotExist as error:
        raise Http404(str(error)) from error
    return SuggestionOut.of(member.suggestion, user)


@router.get("", response={200: list[SuggestionOut], **problem_responses()})
def list_my_suggestions(request: HttpRequest) -> list[SuggestionOut]:
    """The groups I was proposed in, newest first."""
    user = caller(request)
    return [SuggestionOut.of(s, user) for s in suggestions.suggestions_for(user=user)[:50]]


def _answer(request: HttpRequest, suggestion_id: int, accept: bool) -> SuggestionOut:
    user = caller(request)
    action = suggestions.suggestion_accept if accept else suggestions.suggestion_decline
    try:
        action(suggestion_id=suggestion_id, user=user)
    except Suggestion.DoesNotExist as error:
        raise Http404(str(error)) from error
    return one(request, suggestion_id)


@router.post("/{int:suggestion_id}/accept", response={200: SuggestionOut, **problem_responses()})
@idempotent
def accept_suggestion(request: HttpRequest, suggestion_id: int) -> SuggestionOut:
    """I would join this group."""
    return _answer(request, suggestion_id, accept=True)


@router.post("/{int:suggestion_id}/decline", response={200: SuggestionOut, **problem_responses()})
@idempotent
def decline_suggestion(request: HttpRequest, suggestion_id: int) -> SuggestionOut:
    """Not for me."""
    return _answer(request, suggestion_id, accept=False)
