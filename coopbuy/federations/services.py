"""Every write to federations: one use case, one transaction, one audit row.

This module starts a federation and keeps its roles; `membership.py` holds a group's applying,
the decision, leaving and its markup; `sharing.py` the shared suppliers. Each locks the
federation's row first (ADR 0005: the federation before anything of a round or the ledger).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import Federation, FederationRole
from coopbuy.federations.permissions import ROLE_WORDS, require_federation_role
from coopbuy.ledger.models import Book

Role = FederationRole.Role
ROLE_NAMES = ROLE_WORDS


class FederationError(UserFacingError):
    pass


def lock_federation(federation: Federation) -> Federation:
    """Lock the federation's row (FOR NO KEY UPDATE): writers of one federation queue here."""
    return Federation.objects.select_for_update(no_key=True).get(pk=federation.pk)


def _lock_roles(federation: Federation) -> list[FederationRole]:
    """The federation's active roles, locked by pk (after the federation's row: docs/adr/0005)."""
    return list(
        FederationRole.objects.select_for_update(no_key=True, of=("self",))
        .select_related("user")
        .filter(federation=federation, ended_at__isnull=True)
        .order_by("pk")
    )


@transaction.atomic
def federation_create(
    *, creator: User, name: str, slug: str = "", description: str = ""
) -> Federation:
    """Start a federation with its own ledger book; its creator becomes its first coordinator."""
    name = name.strip()
    if not name:
        raise FederationError(_("Give the federation a name."), field="name")
    if len(name) > 120:
        raise FederationError(_("Keep the name to 120 characters or fewer."), field="name")
    if len(description) > 4000:
        raise FederationError(
            _("Keep the description to 4000 characters or fewer."), field="description"
        )
    slug = slugify(slug or name)[:60]
    if not slug:
        raise FederationError(_("The web address needs letters or digits."), field="slug")
    taken = _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}
    if Federation.objects.filter(slug=slug).exists():
        raise FederationError(taken, field="slug")
    book = Book.objects.create(kind=Book.Kind.FEDERATION, name=name[:160])
    try:
        with transaction.atomic():
            federation = Federation.objects.create(
                name=name, slug=slug, description=description.strip(), book=book,
                created_by=creator,
            )  # fmt: skip
    except IntegrityError as error:  # a concurrent create took the slug
        raise FederationError(taken, field="slug") from error
    FederationRole.objects.create(
        federation=federation, user=creator, role=FederationRole.Role.COORDINATOR
    )
    audit_record(
        action="federation.created",
        summary=_("%(user)s started the federation %(name)s")
        % {"user": creator.name, "name": name},
        actor=creator,
        subject=creator,
        data={"federation": federation.pk},
    )
    return federation


@transaction.atomic
def federation_role_add(
    *, federation: Federation, actor: User, email: str, role: str
) -> FederationRole:
    """A coordinator makes a person with a coopbuy account a coordinator or the treasurer."""
    federation = lock_federation(federation)
    require_federation_role(federation=federation, user=actor)  # after the federation's lock
    if role not in Role.values:
        raise FederationError(_("Choose coordinator or treasurer."), field="role")
    email = email.strip()
    if not email:
        raise FederationError(_("Give the person's email address."), field="email")
    person = User.objects.filter(email__iexact=email, is_active=True).first()
    if person is None:
        raise FederationError(
            _("Nobody has a coopbuy account with this address: ask them to sign up first."),
            field="email",
        )
    if FederationRole.objects.filter(
        federation=federation, user=person, role=role, ended_at__isnull=True
    ).exists():
        raise FederationError(
            _("%(user)s is already a %(role)s of %(name)s.")
            % {"user": person.name, "role": ROLE_NAMES[Role(role)], "name": federation.name},
            field="email",
        )
    added = FederationRole.objects.create(federation=federation, user=person, role=role)
    audit_record(
        action="federation.role_added",
        summary=_("%(actor)s made %(user)s a %(role)s of %(name)s")
        % {
            "actor": actor.name,
            "user": person.name,
            "role": ROLE_NAMES[Role(role)],
            "name": federation.name,
        },
        actor=actor,
        subject=person,
        data={"federation": federation.pk, "role": role},
    )
    return added


@transaction.atomic
def federation_role_end(*, role: FederationRole, actor: User) -> FederationRole:
    """A coordinator ends someone's role (their own too); one coordinator always stays.

    The federation and its active roles are locked first (by pk), the actor's among them, and only
    then is the actor's own role checked: a service acting on a role (`require_federation_role`)
    holds the same rows, so it finishes before the end, or sees it and is refused.
    """
    federation = lock_federation(role.federation)
    locked = {r.pk: r for r in _lock_roles(federation)}
    require_federation_role(federation=federation, user=actor)
    target = locked.get(role.pk)
    if target is None:
        raise FederationError(_("This role has already ended."))
    coordinators = sum(1 for r in locked.values() if r.role == Role.COORDINATOR)
    if target.role == Role.COORDINATOR and coordinators <= 1:
        raise FederationError(
            _("%(name)s needs at least one coordinator: add another before this one steps down.")
            % {"name": federation.name}
        )
    target.ended_at = timezone.now()
    target.save(update_fields=["ended_at"])
    audit_record(
        action="federation.role_ended",
        summary=_("%(actor)s ended %(user)s's role as %(role)s of %(name)s")
        % {
            "actor": actor.name,
            "user": target.user.name,
            "role": ROLE_NAMES[Role(target.role)],
            "name": federation.name,
        },
        actor=actor,
        subject=target.user,
        data={"federation": federation.pk, "role": target.role},
    )
    return target
