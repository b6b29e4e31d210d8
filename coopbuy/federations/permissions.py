"""Who may see and run a federation: the only place these questions are answered.

Like `groups.permissions`, each helper takes the federation's address and the person and returns
the scope or raises. A federation's coordinators and treasurer run it; the coordinators of its
member groups may see it (per-group totals, never a member's basket). Anyone else: not found.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from coopbuy.accounts.models import User
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.groups.models import BuyingGroup, Membership

Role = FederationRole.Role


def roles_of(*, federation: Federation, user: User | AnonymousUser) -> set[str]:
    """The federation roles this person holds now (coordinator, treasurer), maybe none."""
    if not user.is_authenticated:
        return set()
    return set(
        FederationRole.objects.filter(
            federation=federation, user_id=user.pk, ended_at__isnull=True
        ).values_list("role", flat=True)
    )


def member_groups(federation: Federation) -> list[BuyingGroup]:
    """The groups that belong to the federation now (approved, not left)."""
    return list(
        BuyingGroup.objects.filter(
            federation_rows__federation=federation,
            federation_rows__status=FederationGroup.Status.MEMBER,
        ).order_by("name", "pk")
    )


def coordinated_member_groups(
    *, federation: Federation, user: User | AnonymousUser
) -> list[BuyingGroup]:
    """The federation's member groups this person coordinates."""
    if not user.is_authenticated:
        return []
    return [
        group
        for group in member_groups(federation)
        if Membership.objects.active()
        .filter(group=group, user_id=user.pk, role=Membership.Role.COORDINATOR)
        .exists()
    ]


def federation_for_runner(
    *, slug: str, user: User | AnonymousUser, roles: tuple[str, ...] = (Role.COORDINATOR,)
) -> Federation:
    """A federation this person runs in one of `roles`; any other is not found."""
    federation = Federation.objects.select_related("book").filter(slug=slug).first()
    if federation is None or not roles_of(federation=federation, user=user) & set(roles):
        raise Http404(_("There is no federation at this address."))
    return federation


def federation_for_viewer(*, slug: str, user: User | AnonymousUser) -> Federation:
    """A federation this person runs, or one whose member group they coordinate."""
    federation = Federation.objects.select_related("book").filter(slug=slug).first()
    if federation is None or not (
        roles_of(federation=federation, user=user)
        or coordinated_member_groups(federation=federation, user=user)
    ):
        raise Http404(_("There is no federation at this address."))
    return federation


def roles_locked(*, federation_id: int, user: User) -> list[FederationRole]:
    """The person's active roles in the federation, locked until the transaction ends: for
    services, which check the actor's role with them (`require_federation_role`).

    FOR NO KEY UPDATE, like every lock of ours (docs/adr/0005). Ending a role locks the same row
    (`services.federation_role_end`, after the federation's row and its active roles by pk), so a
    revoke and a service acting on the old role serialise: whichever comes second sees what the
    first committed (PostgreSQL reads the row afresh once the lock is granted, and an ended role
    no longer matches). On SQLite, where the row lock is a no-op, writers are serialised on the
    database file and the check inside the transaction is as good.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "a federation role check that locks the actor's roles runs inside the service's "
            "transaction"
        )
    return list(
        FederationRole.objects.select_for_update(no_key=True, of=("self",))
        .filter(federation_id=federation_id, user_id=user.pk, ended_at__isnull=True)
        .order_by("pk")
    )


ROLE_WORDS = {Role.COORDINATOR: _lazy("coordinator"), Role.TREASURER: _lazy("treasurer")}


def require_federation_role(
    *, federation: Federation, user: User, roles: tuple[str, ...] = (Role.COORDINATOR,)
) -> None:
    """For services: the actor holds one of `roles` in this very federation, now, and keeps it
    until the service's transaction ends (the role rows stay locked: `roles_locked`).

    Lock order (docs/adr/0005): the actor's federation roles come after the federation's row and
    before a pooled round, its rounds and the ledger's rows, so a service calls this before it
    takes any of those locks (federations services: right after locking the federation).
    A role that ended since the page or API operation checked it is named in the refusal.
    """
    held = {row.role for row in roles_locked(federation_id=federation.pk, user=user)}
    if held & set(roles):
        return
    ended = (
        FederationRole.objects.filter(
            federation_id=federation.pk, user_id=user.pk, role__in=roles, ended_at__isnull=False
        )
        .order_by("-ended_at", "-pk")
        .first()
    )
    if ended is not None:
        raise PermissionDenied(
            _("You are no longer a %(role)s of %(name)s.")
            % {"role": ROLE_WORDS[Role(ended.role)], "name": federation.name}
        )
    raise PermissionDenied(_("Only the federation's coordinators can do this."))


def in_member_group(*, federation: Federation, user: User | AnonymousUser) -> bool:
    """Whether this person is an active member (any role) of one of the federation's groups."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.active()
        .filter(
            user_id=user.pk,
            group__federation_rows__federation=federation,
            group__federation_rows__status=FederationGroup.Status.MEMBER,
        )
        .exists()
    )


def federation_for_member(*, slug: str, user: User | AnonymousUser) -> Federation:
    """A federation this person runs, or one of whose member groups they belong to (any role):
    its people and shared catalogues. Anyone else: not found."""
    federation = Federation.objects.select_related("book").filter(slug=slug).first()
    if federation is None or not (
        roles_of(federation=federation, user=user)
        or in_member_group(federation=federation, user=user)
    ):
        raise Http404(_("There is no federation at this address."))
    return federation


def federation_for_public(*, slug: str) -> Federation:
    """Any federation, for its public overview (name, description, public groups)."""
    federation = Federation.objects.select_related("book").filter(slug=slug).first()
    if federation is None:
        raise Http404(_("There is no federation at this address."))
    return federation


def sees_every_group(*, federation: Federation, user: User | AnonymousUser) -> bool:
    """Whether this person sees every member group named: its runners and the people of its
    member groups do; anyone else sees only the public groups (a private one is counted)."""
    return bool(roles_of(federation=federation, user=user)) or in_member_group(
        federation=federation, user=user
    )
