"""The emails of a tender: the invited suppliers' people are asked to bid when it is published (or
when invited later, while bidding is open), and the members of the owner's groups are told when
the award is confirmed, with the link to their expected saving and the opt-in.

Built in the service's transaction and queued in the outbox, so they go only if the change
commits; one message per person, so no one sees the others' addresses.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from coopbuy.catalog.models import SupplierUser
from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.tenders.models import Tender, TenderInvitation
from coopbuy.tenders.permissions import owner_groups


def _owner_name(tender: Tender) -> str:
    owner = tender.federation if tender.federation_id is not None else tender.group
    return owner.name if owner is not None else ""


def invited_to_bid(tender: Tender, invitations: Iterable[TenderInvitation]) -> int:
    """Each current person of each invited supplier is asked to bid, with the deadline."""
    when = date_format(timezone.localtime(tender.deadline), "l j F Y, H:i")
    supplier_ids = [i.supplier_id for i in invitations]
    people = (
        SupplierUser.objects.filter(
            supplier_id__in=supplier_ids, ended_at__isnull=True, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("supplier", "user")
        .order_by("supplier_id", "user_id")
    )
    out = []
    for person in people:
        url = settings.SITE_URL + reverse("tenders:bid", args=[tender.pk, person.supplier_id])
        out.append(
            Email(
                [person.user.email],
                _("%(owner)s asks %(supplier)s to bid: %(title)s")
                % {
                    "owner": _owner_name(tender),
                    "supplier": person.supplier.name,
                    "title": tender.title,
                },
                _(
                    "%(owner)s has published a request for quotes, “%(title)s”, and invites "
                    "%(supplier)s to bid.\n\nBids are sealed: nobody, the organisers included, "
                    "can read yours before the deadline, and you may revise or withdraw it until "
                    "then.\n\nDeadline: %(when)s\n\nRead the items and bid here: %(url)s\n"
                )
                % {
                    "owner": _owner_name(tender),
                    "title": tender.title,
                    "supplier": person.supplier.name,
                    "when": when,
                    "url": url,
                },
            )
        )
    outbox_enqueue_many(out)
    return len(out)


def award_confirmed(tender: Tender) -> int:
    """Every active member of the owner's groups is told, with the link to their saving."""
    url = settings.SITE_URL + reverse("tenders:saving", args=[tender.pk])
    emails = sorted(
        set(
            Membership.objects.active()
            .filter(group__in=owner_groups(tender), user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    subject = _("%(title)s: new prices are agreed") % {"title": tender.title}
    body = _(
        "%(owner)s asked suppliers to compete for your groups' orders in “%(title)s”, and the "
        "award is now confirmed: the winning prices become the catalogue of the next round.\n\n"
        "See what you would have saved on what you bought before, and opt in: %(url)s\n"
    ) % {"owner": _owner_name(tender), "title": tender.title, "url": url}
    outbox_enqueue_many([Email([address], subject, body) for address in emails])
    return len(emails)
