"""Every write to organisations and their admins: one use case, one transaction, one audit row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.organisations.models import Organisation, OrganisationAdmin
from coopbuy.organisations.permissions import require_admin


class OrganisationError(UserFacingError):
    pass


def _audit(action: str, summary: str, actor: User, subject: User, data: dict[str, object]) -> None:
    audit_record(action=action, summary=summary, actor=actor, subject=subject, data=data)


@transaction.atomic
def organisation_create(
    *, creator: User, name: str, kind: str, slug: str = "", description: str = ""
) -> Organisation:
    """Start an organisation; its creator becomes its first admin."""
    name = name.strip()
    if not name:
        raise OrganisationError(_("Give the organisation a name."), field="name")
    if kind not in Organisation.Kind.values:
        raise OrganisationError(
            _("Choose employer, retailer or producer, or community organisation."), field="kind"
        )
    slug = slugify(slug or name)[:60]
    if not slug:
        raise OrganisationError(_("The web address needs letters or digits."), field="slug")
    taken = _("The address “%(slug)s” is taken; choose another.") % {"slug": slug}
    if Organisation.objects.filter(slug=slug).exists():
        raise OrganisationError(taken, field="slug")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                slug=slug,
                kind=kind,
                description=description.strip(),
                created_by=creator,
            )
    except IntegrityError as error:  # a concurrent create took the slug
        raise OrganisationError(taken, field="slug") from error
    OrganisationAdmin.objects.create(organisation=organisation, user=creator)
    _audit(
        "organisation.created",
        _("%(user)s started the organisation %(name)s") % {"user": creator.name, "name": name},
        creator,
        creator,
        {"organisation": organisation.pk, "kind": kind},
    )
    return organisation


def _lock(organisation: Organisation) -> list[OrganisationAdmin]:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return list(
        OrganisationAdmin.objects.select_for_update()
        .filter(organisation=organisation, ended_at__isnull=True)
        .order_by("pk")
    )


@transaction.atomic
def organisation_admin_add(
    *, organisation: Organisation, actor: User, user: User
) -> OrganisationAdmin:
    """An admin makes another person an admin too."""
    require_admin(organisation=organisation, user=actor)
    admins = _lock(organisation)
    if any(a.user_id == user.pk for a in admins):
        raise OrganisationError(
            _("%(user)s already runs %(name)s.") % {"user": user.name, "name": organisation.name},
            field="email",
        )
    admin = OrganisationAdmin.objects.create(organisation=organisation, user=user)
    _audit(
        "organisation.admin_added",
        _("%(actor)s made %(user)s an admin of %(name)s")
        % {"actor": actor.name, "user": user.name, "name": organisation.name},
        actor,
        user,
        {"organisation": organisation.pk},
    )
    return admin


@transaction.atomic
def organisation_admin_end(*, admin: OrganisationAdmin, actor: User) -> OrganisationAdmin:
    """An admin stops someone (themselves too) running the organisation; one admin always stays."""
    organisation = admin.organisation
    require_admin(organisation=organisation, user=actor)
    admins = {a.pk: a for a in _lock(organisation)}
    target = admins.get(admin.pk)
    if target is None:
        raise OrganisationError(_("This person no longer runs the organisation."))
    if len(admins) <= 1:
        raise OrganisationError(
            _("%(name)s needs at least one admin: add another before removing this one.")
            % {"name": organisation.name}
        )
    target.ended_at = timezone.now()
    target.save(update_fields=["ended_at"])
    _audit(
        "organisation.admin_ended",
        _("%(actor)s removed %(user)s as an admin of %(name)s")
        % {"actor": actor.name, "user": target.user.name, "name": organisation.name},
        actor,
        target.user,
        {"organisation": organisation.pk},
    )
    return target


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, name: str, kind: str, description: str
) -> Organisation:
    """An admin changes the organisation's public profile (its web address stays)."""
    require_admin(organisation=organisation, user=actor)
    name = name.strip()
    if not name:
        raise OrganisationError(_("Give the organisation a name."), field="name")
    if kind not in Organisation.Kind.values:
        raise OrganisationError(
            _("Choose employer, retailer or producer, or community organisation."), field="kind"
        )
    organisation.name, organisation.kind = name[:120], kind
    organisation.description = description.strip()[:4000]
    organisation.save(update_fields=["name", "kind", "description"])
    _audit(
        "organisation.updated",
        _("%(actor)s changed the profile of %(name)s") % {"actor": actor.name, "name": name},
        actor,
        actor,
        {"organisation": organisation.pk},
    )
    return organisation
