"""Serve each signed-in person in the language they chose in their profile."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        offered = {code for code, _name in settings.LANGUAGES}
        if user is not None and user.is_authenticated and user.language in offered:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
