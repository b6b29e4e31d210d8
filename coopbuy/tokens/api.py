"""My personal access tokens through the API: list them and revoke one (/api/v1/me/tokens).

Tokens are made only on the signed-in page /api/tokens/, where the secret is shown once: a token
cannot mint further tokens, so a leaked one cannot outlive its revocation.
"""

from datetime import datetime
from typing import Annotated, Literal, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from coopbuy.api.auth import caller, principal
from coopbuy.api.idempotency import idempotent
from coopbuy.api.models import ApiToken
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.tokens.services import token_revoke

router = Router(tags=["people"])
Id = Annotated[int, Path(ge=1, le=2**62)]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    scope: Literal["read", "read-write"]
    group: str | None = Field(description="The group it is limited to (its slug), if any.")
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: Literal["active", "expired", "revoked"]
    current: bool = Field(description="True for the token this request is made with.")

    @classmethod
    def of(cls, request: HttpRequest, token: ApiToken) -> "TokenOut":
        using = principal(request).token
        return cls(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            scope=cast(Literal["read", "read-write"], token.scope),
            group=token.group.slug if token.group else None,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            state=cast(Literal["active", "expired", "revoked"], token.state(timezone.now())),
            current=using is not None and using.pk == token.pk,
        )


@router.get("/me/tokens", response={200: Page[TokenOut], **problem_responses()})
def my_tokens(request: HttpRequest, paging: Query[Paging]) -> Page[TokenOut]:
    """My tokens, newest first, with when each was last used (never their secrets). A token
    limited to one group lists only itself: it does not reveal the person's other tokens."""
    rows = ApiToken.objects.filter(user=caller(request)).select_related("group")
    using = principal(request).token
    if using is not None and using.group_id is not None:
        rows = rows.filter(pk=using.pk)
    return paginate(request, rows, paging, lambda t: TokenOut.of(request, t))


@router.post("/me/tokens/{int:token_id}/revoke", response={200: TokenOut, **problem_responses()})
@idempotent
def revoke_token(request: HttpRequest, token_id: Id) -> TokenOut:
    """Stop one of my tokens working at once (this very token too). Revoking twice changes
    nothing; another person's token is not found."""
    token = get_object_or_404(
        ApiToken.objects.select_related("group"), pk=token_id, user=caller(request)
    )
    return TokenOut.of(request, token_revoke(token=token, user=caller(request)))
