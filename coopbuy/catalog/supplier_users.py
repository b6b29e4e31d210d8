"""People who act for a supplier: a coordinator invites them by email, they accept signed in.

A supplier user is not a member of the supplier's group: they reach only their supplier's own pages
(the purchase orders addressed to it; bids come later). Every write here is one use case in one
transaction with its audit row; the invitation email goes through the outbox.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier, SupplierInvitation, SupplierUser
from coopbuy.errors import UserFacingError
from coopbuy.groups.permissions import require_coordinator
from coopbuy.outbox.services import outbox_enqueue

INVITATION_DAYS = 14


class SupplierUserError(UserFacingError):
    pass


@transaction.atomic
def supplier_invitation_create(
    *, supplier: Supplier, actor: User, email: str
) -> SupplierInvitation:
    """Invite someone by email to act for a supplier of the actor's group (coordinators)."""
    require_coordinator(group=supplier.group, user=actor)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise SupplierUserError(_("Enter a valid email address."), field="email") from error
    if SupplierUser.objects.filter(
        supplier=supplier, user__email__iexact=email, ended_at__isnull=True
    ).exists():
        raise SupplierUserError(
            _("%(email)s already acts for %(supplier)s.")
            % {"email": email, "supplier": supplier.name},
            field="email",
        )
    invitation = SupplierInvitation.objects.create(
        supplier=supplier,
        email=email,
        code=secrets.token_urlsafe(24),
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        created_by=actor,
    )
    context = {
        "invitation": invitation,
        "supplier": supplier,
        "group": supplier.group,
        "actor": actor,
        "url": settings.SITE_URL + reverse("catalog:supplier_invitation", args=[invitation.code]),
    }
    outbox_enqueue(
        to=[email],
        subject=render_to_string("catalog/email/supplier_invitation_subject.txt", context).strip(),
        body=render_to_string("catalog/email/supplier_invitation.txt", context),
    )
    audit_record(
        action="supplier_invitation.created",
        summary=_("%(actor)s invited %(email)s to act for %(supplier)s")
        % {"actor": actor.name, "email": email, "supplier": supplier.name},
        actor=actor,
        group=supplier.group,
        data={"supplier": supplier.pk, "invitation": invitation.pk, "email": email},
    )
    return invitation


def supplier_invitation_problem(invitation: SupplierInvitation | None) -> str | None:
    """Why an invitation cannot be used, in words for the person holding it; None if it can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    state = invitation.state()
    if state == "accepted":
        return _("This invitation has already been accepted.")
    if state == "revoked":
        return _("This invitation was withdrawn. Ask the group's coordinators for a new one.")
    if state == "expired":
        return _("This invitation has expired. Ask the group's coordinators for a new one.")
    return None


@transaction.atomic
def supplier_invitation_accept(*, code: str, user: User) -> SupplierUser:
    """Accept an invitation (signed in): the person now acts for the supplier."""
    invitation = (
        SupplierInvitation.objects.select_for_update()
        .select_related("supplier__group")
        .filter(code=code)
        .first()
    )
    problem = supplier_invitation_problem(invitation)
    if problem or invitation is None:
        raise SupplierUserError(problem or "")
    supplier = invitation.supplier
    existing = SupplierUser.objects.filter(
        supplier=supplier, user=user, ended_at__isnull=True
    ).first()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if existing is not None:
        return existing
    supplier_user = SupplierUser.objects.create(
        supplier=supplier, user=user, added_by=invitation.created_by
    )
    audit_record(
        action="supplier_user.added",
        summary=_("%(user)s now acts for %(supplier)s")
        % {"user": user.name, "supplier": supplier.name},
        actor=user,
        group=supplier.group,
        subject=user,
        data={"supplier": supplier.pk, "invitation": invitation.pk},
    )
    return supplier_user


@transaction.atomic
def supplier_user_end(*, supplier_user: SupplierUser, actor: User) -> SupplierUser:
    """A coordinator stops someone acting for the supplier (the row ends, it stays)."""
    require_coordinator(group=supplier_user.supplier.group, user=actor)
    updated = SupplierUser.objects.filter(pk=supplier_user.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    supplier_user.refresh_from_db()
    if updated:
        audit_record(
            action="supplier_user.ended",
            summary=_("%(actor)s stopped %(user)s acting for %(supplier)s")
            % {
                "actor": actor.name,
                "user": supplier_user.user.name,
                "supplier": supplier_user.supplier.name,
            },
            actor=actor,
            group=supplier_user.supplier.group,
            subject=supplier_user.user,
            data={"supplier": supplier_user.supplier_id},
        )
    return supplier_user
