"""The suppliers a federation shares: their catalogues are what its member groups pool orders from.

A federation coordinator who also coordinates a member group shares one of that group's own
suppliers (its products, case sizes and price tiers stay kept by that group), or stops sharing
it. A supplier is not shared where a member group already pools that supplier in another
federation (the same supplier row, or one of the same name).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.catalog.models import Supplier
from coopbuy.federations import selectors
from coopbuy.federations.models import Federation, FederationGroup
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.permissions import require_federation_role
from coopbuy.federations.services import FederationError, lock_federation
from coopbuy.groups.permissions import can_manage, membership_of


@transaction.atomic
def federation_supplier_share(*, federation: Federation, supplier: Supplier, actor: User) -> Shared:
    """Share one of a member group's suppliers with the federation."""
    federation = lock_federation(federation)
    require_federation_role(federation=federation, user=actor)  # after the federation's lock
    group = supplier.group
    if not FederationGroup.objects.filter(
        federation=federation, group=group, status=FederationGroup.Status.MEMBER
    ).exists():
        raise FederationError(
            _("Share a supplier of one of %(name)s's member groups.") % {"name": federation.name},
            field="supplier_id",
        )
    if not can_manage(membership_of(group=group, user=actor)):
        raise FederationError(
            _("Only a coordinator of %(group)s can share its suppliers.") % {"group": group.name},
            field="supplier_id",
        )
    if not supplier.is_active:
        raise FederationError(
            _("%(supplier)s is not active in %(group)s.")
            % {"supplier": supplier.name, "group": group.name},
            field="supplier_id",
        )
    if Shared.objects.filter(
        federation=federation, supplier=supplier, ended_at__isnull=True
    ).exists():
        raise FederationError(
            _("%(supplier)s is already shared.") % {"supplier": supplier.name},
            field="supplier_id",
        )
    clashes = selectors.supplier_clashes(
        groups=[row.group for row in selectors.member_rows(federation)],
        suppliers=[supplier],
        federation=federation,
    )
    if clashes:
        clash = clashes[0]
        raise FederationError(
            _(
                "%(group)s, a member here, is in %(other)s, which already shares %(supplier)s: "
                "a group pools with one federation per supplier."
            )
            % {
                "group": clash.group.name,
                "other": clash.other.name,
                "supplier": clash.supplier_name,
            },
            field="supplier_id",
        )
    try:
        with transaction.atomic():
            shared = Shared.objects.create(federation=federation, supplier=supplier, added_by=actor)
    except IntegrityError as error:  # shared by a concurrent request
        raise FederationError(
            _("%(supplier)s is already shared.") % {"supplier": supplier.name},
            field="supplier_id",
        ) from error
    audit_record(
        action="federation.supplier_shared",
        summary=_("%(actor)s shared %(group)s's supplier %(supplier)s with %(name)s")
        % {
            "actor": actor.name,
            "group": group.name,
            "supplier": supplier.name,
            "name": federation.name,
        },
        actor=actor,
        group=group,
        data={"federation": federation.pk, "supplier": supplier.pk},
    )
    return shared


@transaction.atomic
def federation_supplier_end(*, shared: Shared, actor: User) -> Shared:
    """A federation coordinator stops sharing a supplier."""
    federation = lock_federation(shared.federation)
    require_federation_role(federation=federation, user=actor)  # after the federation's lock
    row = (
        Shared.objects.select_related("supplier", "supplier__group")
        .filter(pk=shared.pk, federation=federation, ended_at__isnull=True)
        .first()
    )
    if row is None:
        raise FederationError(_("This supplier is no longer shared."))
    row.ended_at = timezone.now()
    row.save(update_fields=["ended_at"])
    audit_record(
        action="federation.supplier_unshared",
        summary=_("%(actor)s stopped sharing %(supplier)s with %(name)s")
        % {"actor": actor.name, "supplier": row.supplier.name, "name": federation.name},
        actor=actor,
        group=row.supplier.group,
        data={"federation": federation.pk, "supplier": row.supplier_id},
    )
    return row
