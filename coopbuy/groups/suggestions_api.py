"""POST /api/v1/me/suggestions/{id}/start: start a suggested group (see `suggestion_start`)."""

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.problems import problem_responses
from coopbuy.groups.suggestion_start import suggestion_start
from coopbuy.interest.models import Suggestion
from coopbuy.interest.suggestions_api import SuggestionOut, one

router = Router(tags=["suggestions"])


@router.post("/{int:suggestion_id}/start", response={201: SuggestionOut, **problem_responses()})
@idempotent
def start_suggestion(request: HttpRequest, suggestion_id: int) -> Status[SuggestionOut]:
    """Start the group (host, or first to accept, once enough accepted); the others are invited."""
    try:
        suggestion_start(suggestion_id=suggestion_id, user=caller(request))
    except Suggestion.DoesNotExist as error:
        raise Http404(str(error)) from error
    return Status(201, one(request, suggestion_id))
