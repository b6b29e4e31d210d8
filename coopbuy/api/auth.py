"""Who is calling: a personal access token (`Authorization: Bearer cb_…`) or the browser session.

A token's limits are enforced here, once, for every operation: a read token is refused every write,
and a token limited to one group finds every other group's address not found and may not write
outside its group. Handlers then check roles through `coopbuy.groups.permissions` as the web does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from coopbuy.api.models import ApiToken
from coopbuy.api.token_secrets import TOKEN_PREFIX, hash_secret, token_touch

if TYPE_CHECKING:  # the base layer names the user model only in annotations
    from coopbuy.accounts.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    """The caller of one request; `request.auth` holds it."""

    user: User | AnonymousUser
    token: ApiToken | None = None
    address: str = ""

    @property
    def key(self) -> str:
        """Whom idempotency keys and rate limits belong to."""
        if self.token is not None:
            return f"token:{self.token.pk}"
        if self.user.is_authenticated:
            return f"user:{self.user.pk}"
        return f"ip:{self.address}"


def client_address(request: HttpRequest) -> str:
    """The caller's IP address; behind N trusted proxies, the Nth address from the right."""
    proxies = int(rate_limit_settings().get("trusted_proxies", 0))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))][:45]
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def rate_limit_settings() -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "token": 600,
        "user": 600,
        "anonymous": 120,
        "window_seconds": 60,
        "trusted_proxies": 0,
    }
    return {**defaults, **getattr(settings, "COOPBUY_API_RATE_LIMITS", {})}


def _enforce_token_limits(request: HttpRequest, token: ApiToken) -> None:
    if request.method not in SAFE_METHODS and not token.can_write:
        raise PermissionDenied(
            _("This token may only read; make a read-write token to change things.")
        )
    if token.group_id is None:
        return
    match = request.resolver_match
    slug = match.kwargs.get("slug") if match is not None else None
    if slug is not None:
        assert token.group is not None
        if slug != token.group.slug:
            raise Http404(_("There is no group at this address."))
    elif request.method not in SAFE_METHODS:
        raise PermissionDenied(_("This token is limited to one group and cannot act outside it."))


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cb_…`: a personal access token from /api/tokens/."""

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        token = token.strip()
        found = None
        if token.startswith(TOKEN_PREFIX) and len(token) < 100:
            found = (
                ApiToken.objects.select_related("user", "group")
                .filter(token_hash=hash_secret(token))
                .first()
            )
        if found is None or not found.user.is_active:
            raise AuthenticationError(message=_("This token is not valid."))
        state = found.state(timezone.now())
        if state != "active":
            raise AuthenticationError(message=_("This token is %(state)s.") % {"state": state})
        _enforce_token_limits(request, found)
        token_touch(found)
        request.user = found.user
        offered = {code for code, _name in settings.LANGUAGES}
        if found.user.language in offered:  # as the web does (UserLanguageMiddleware)
            translation.activate(found.user.language)
            request.LANGUAGE_CODE = found.user.language
        return Principal(user=found.user, token=found, address=client_address(request))


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in person; writes need Django's CSRF token."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied(_("The CSRF check failed: send the X-CSRFToken header."))
        assert isinstance(user, get_user_model())
        return Principal(user=user, address=client_address(request))


class AnonymousAuth:
    """Lets a request through without credentials (only on operations that say so)."""

    def __call__(self, request: HttpRequest) -> Principal:
        return Principal(user=AnonymousUser(), address=client_address(request))


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTHENTICATED = [token_auth, session_auth]
OPTIONAL = [token_auth, session_auth, AnonymousAuth()]


def public() -> dict[str, Any]:
    """Route options for an operation anyone may call (a signed-in caller is still recognised)."""
    return {"auth": OPTIONAL, "openapi_extra": {"security": [{}]}}


def principal(request: HttpRequest) -> Principal:
    auth = getattr(request, "auth", None)
    assert isinstance(auth, Principal), "every operation must have authentication"
    return auth


def caller(request: HttpRequest) -> User:
    """The signed-in person (only on operations that require authentication)."""
    user = principal(request).user
    assert isinstance(user, get_user_model())
    return user


def within_token_group[M: Any](request: HttpRequest, rows: QuerySet[M], field: str) -> QuerySet[M]:
    """Narrow a list to the one group a limited token may see (`field` leads to the group's id)."""
    token = principal(request).token
    if token is None or token.group_id is None:
        return rows
    return rows.filter(**{field: token.group_id})
