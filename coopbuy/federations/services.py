"""Every write to federations: one use case, one transaction, one audit row."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.federations.models import Federation, FederationRole
from coopbuy.ledger.models import Book


class FederationError(UserFacingError):
    pass


@transaction.atomic
def federation_create(
    *, creator: User, name: str, slug: str = "", description: str = ""
) -> Federation:
    """Start a federation with its own ledger book; its creator becomes its first coordinator."""
    name = name.strip()
    if not name:
        raise FederationError(_("Give the federation a name."), field="name")
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
