"""Groups, memberships, invitations, join requests and the person calling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.accounts.models import User
from coopbuy.api.models import ApiToken
from coopbuy.audit.models import AuditEvent
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.tokens.services import token_create

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ACCESS = {
    "GET /me": "signed_in",
    "PATCH /me": "own_write",
    "GET /me/tokens": "signed_in",
    "POST /me/tokens/{token_id}/revoke": "own_write",
    "GET /groups/mine": "signed_in",
    "GET /groups": "anyone",
    "POST /groups": "own_write",
    "GET /groups/{slug}": "viewer",
    "PATCH /groups/{slug}": "coordinator",
    "POST /groups/{slug}/join": "viewer",
    "POST /groups/{slug}/leave": "member",
    "GET /groups/{slug}/activity": "coordinator",
    "GET /groups/{slug}/members": "member",
    "PATCH /groups/{slug}/members/{membership_id}": "coordinator",
    "DELETE /groups/{slug}/members/{membership_id}": "coordinator",
    "GET /groups/{slug}/invitations": "coordinator",
    "POST /groups/{slug}/invitations": "coordinator",
    "POST /groups/{slug}/invitations/{invitation_id}/revoke": "coordinator",
    "GET /groups/{slug}/join-requests": "coordinator",
    "POST /groups/{slug}/join-requests": "viewer",
    "POST /groups/{slug}/join-requests/mine/withdraw": "viewer",
    "POST /groups/{slug}/join-requests/{request_id}/approve": "coordinator",
    "POST /groups/{slug}/join-requests/{request_id}/decline": "coordinator",
    "GET /invitations/{code}": "code_holder",
    "POST /invitations/{code}/accept": "own_write",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "PATCH /me": {"display_name": "Renamed", "home_place": "Leeds"},
    "POST /groups": {"name": "A new group"},
    "PATCH /groups/{slug}": {"name": "Renamed", "join_policy": "open"},
    "PATCH /groups/{slug}/members/{membership_id}": {"role": "coordinator"},
    "POST /groups/{slug}/invitations": {"role": "coordinator"},
    "POST /groups/{slug}/join-requests": {"message": "Let me in"},
}


def seed(world: World) -> None:
    spare, _secret = token_create(user=world.people["coordinator"], name="spare")
    world.ids.update(
        token_id=spare.pk,
        membership_id=world.member_a.pk,
        invitation_id=world.invitation_a.pk,
        request_id=world.request_a.pk,
    )


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(
            Membership.objects.filter(group=group)
            .order_by("pk")
            .values_list("user", "role", "ended_at", "end_reason")
        ),
        list(
            Invitation.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "revoked_at", "use_count")
        ),
        list(JoinRequest.objects.filter(group=group).order_by("pk").values_list("pk", "status")),
        BuyingGroup.objects.filter(pk=group.pk)
        .values_list("name", "visibility", "join_policy", "description")
        .get(),
        AuditEvent.objects.filter(group=group).count(),
        BuyingGroup.objects.count(),
        list(User.objects.order_by("pk").values_list("display_name", "home_place", "language")),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
    )
