"""Where suppliers deliver to a group and whom they call: printed on every purchase order.

All optional; set by the coordinators on the group's settings (page and API). Checked here so
that a page and the API refuse the same things with the same field-named message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.permissions import require_coordinator
from coopbuy.groups.services import GroupError

MAX_LINES = 5
POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,10}[A-Z0-9]$")
PHONE = re.compile(r"^\+?[0-9 ()./-]+$")


@dataclass(frozen=True)
class DeliveryDetails:
    address: str = ""
    postcode: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def delivery_of(group: BuyingGroup) -> DeliveryDetails:
    return DeliveryDetails(
        group.delivery_address,
        group.delivery_postcode,
        group.delivery_contact_name,
        group.delivery_contact_phone,
    )


def clean_delivery(details: DeliveryDetails) -> DeliveryDetails:
    """The details tidied (blank lines dropped, postcode in capitals), or a field-named error."""
    lines = [line.strip() for line in details.address.strip().splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise GroupError(
            _("Give the address in at most %(n)d lines.") % {"n": MAX_LINES},
            field="delivery_address",
        )
    address = "\n".join(lines)
    if len(address) > 300:
        raise GroupError(_("Keep the address under 300 characters."), field="delivery_address")
    postcode = " ".join(details.postcode.split()).upper()
    if postcode and not POSTCODE.match(postcode):
        raise GroupError(
            _("Give a postcode of letters and digits, for example LS6 1AB."),
            field="delivery_postcode",
        )
    if postcode and not address:
        raise GroupError(
            _("Give the address lines as well as the postcode."), field="delivery_address"
        )
    name = " ".join(details.contact_name.split())
    if len(name) > 120:
        raise GroupError(_("Keep the name under 120 characters."), field="delivery_contact_name")
    phone = " ".join(details.contact_phone.split())
    digits = sum(c.isdigit() for c in phone)
    if phone and (not PHONE.match(phone) or not 6 <= digits <= 15 or len(phone) > 24):
        raise GroupError(
            _("Give a phone number of 6 to 15 digits, for example 0113 496 0000 or +44 113 "
              "496 0000."),
            field="delivery_contact_phone",
        )  # fmt: skip
    return DeliveryDetails(address, postcode, name, phone)


@transaction.atomic
def group_set_delivery(*, group: BuyingGroup, actor: User, details: DeliveryDetails) -> BuyingGroup:
    """Set the delivery address and contact the purchase orders show (coordinators)."""
    group = BuyingGroup.objects.select_for_update(no_key=True).get(pk=group.pk)
    require_coordinator(group=group, user=actor)  # after the group's lock (docs/adr/0005)
    details = clean_delivery(details)
    if delivery_of(group) == details:
        return group
    group.delivery_address, group.delivery_postcode = details.address, details.postcode
    group.delivery_contact_name = details.contact_name
    group.delivery_contact_phone = details.contact_phone
    group.save(
        update_fields=[
            "delivery_address",
            "delivery_postcode",
            "delivery_contact_name",
            "delivery_contact_phone",
        ]
    )
    audit_record(
        action="group.delivery_updated",
        summary=_("%(user)s changed the group's delivery address and contact")
        % {"user": actor.name},
        actor=actor,
        group=group,
    )
    return group
