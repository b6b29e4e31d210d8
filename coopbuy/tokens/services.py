"""Every write to personal access tokens: create (the secret is returned once) and revoke."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.api.models import ApiToken
from coopbuy.api.token_secrets import TOKEN_PREFIX, hash_secret
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import membership_of

DEFAULT_DAYS = 90
MAX_DAYS = 365


class TokenError(UserFacingError):
    pass


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.READ,
    group: BuyingGroup | None = None,
    days_valid: int = DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; the secret is in the return value and nowhere else."""
    name = name.strip()
    if not name:
        raise TokenError(_("Name the token after what will use it."), field="name")
    if scope not in ApiToken.Scope.values:
        raise TokenError(_("Unknown scope “%(scope)s”.") % {"scope": scope}, field="scope")
    if not 1 <= days_valid <= MAX_DAYS:
        raise TokenError(
            _("A token can be valid for 1 to %(max)s days.") % {"max": MAX_DAYS},
            field="days_valid",
        )
    if group is not None and membership_of(group=group, user=user) is None:
        raise TokenError(_("You can only limit a token to a group you belong to."), field="group")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        token_hash=hash_secret(secret),
        prefix=secret[:10],
        scope=scope,
        group=group,
        created_at=now,
        expires_at=now + timedelta(days=days_valid),
    )
    audit_record(
        action="api_token.created",
        summary=_("%(user)s made an API token “%(name)s” (%(scope)s)")
        % {"user": user.name, "name": token.name, "scope": token.get_scope_display()},
        actor=user,
        group=group,
        subject=user,
        data={"token": token.pk, "scope": scope},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Stop a token from working at once. Revoking twice changes nothing."""
    if token.user_id != user.pk:
        raise TokenError(_("You can only revoke your own tokens."))
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    if updated:
        audit_record(
            action="api_token.revoked",
            summary=_("%(user)s revoked the API token “%(name)s”")
            % {"user": user.name, "name": token.name},
            actor=user,
            group=token.group,
            subject=user,
            data={"token": token.pk},
        )
    return token
