"""The emails of campaigns, built in the service's transaction and queued in the outbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from coopbuy.campaigns.models import Campaign, Pledge
from coopbuy.ledger.selectors import format_money
from coopbuy.outbox.services import Email


def campaign_url(campaign: Campaign) -> str:
    return settings.SITE_URL + reverse("campaigns:detail", args=[campaign.code])


def share_url(pledge: Pledge) -> str:
    return f"{campaign_url(pledge.campaign)}?ref={pledge.share_code}"


def _money(pledge: Pledge, amount: object) -> str:
    return format_money(amount, pledge.campaign.group.currency)  # type: ignore[arg-type]


def pledged(pledge: Pledge) -> Email:
    campaign = pledge.campaign
    how = (
        _("The most it can cost is set aside on your balance until the deadline.")
        if pledge.payment == Pledge.Payment.HOLD
        else _("You pay only if it goes ahead; we will tell you how.")
    )
    body = _(
        "You pledged %(quantity)s %(unit)s for “%(title)s”.\n\n%(how)s\nYou can change or "
        "withdraw your pledge until the deadline: %(url)s\n\nShare your link: every person who "
        "pledges through it brings the price down for everyone:\n%(share)s\n"
    ) % {
        "quantity": pledge.quantity,
        "unit": campaign.unit,
        "title": campaign.title,
        "how": how,
        "url": campaign_url(campaign),
        "share": share_url(pledge),
    }
    return Email([pledge.user.email], _("Your pledge: %(title)s") % {"title": campaign.title}, body)


def filled(pledge: Pledge) -> Email:
    campaign = pledge.campaign
    paid = (
        _("It has been charged to your account with %(group)s.")
        if pledge.payment == Pledge.Payment.HOLD
        else _("Please pay %(group)s; the coordinators will send the payment details.")
    ) % {"group": campaign.group.name}
    body = _(
        "“%(title)s” is going ahead at %(price)s per %(unit)s, for everyone.\n\nYour pledge: "
        "%(quantity)s, %(amount)s in all. %(paid)s\n\n%(url)s\n"
    ) % {
        "title": campaign.title,
        "price": _money(pledge, campaign.unit_price),
        "unit": campaign.unit,
        "quantity": pledge.quantity,
        "amount": _money(pledge, pledge.amount_due),
        "paid": paid,
        "url": campaign_url(campaign),
    }
    return Email(
        [pledge.user.email], _("It's going ahead: %(title)s") % {"title": campaign.title}, body
    )


def left_out(pledge: Pledge) -> Email:
    campaign = pledge.campaign
    body = _(
        "“%(title)s” is going ahead at %(price)s per %(unit)s, above the limit you set "
        "(%(limit)s), so your pledge was not filled and you pay nothing.\n\n%(url)s\n"
    ) % {
        "title": campaign.title,
        "price": _money(pledge, campaign.unit_price),
        "unit": campaign.unit,
        "limit": _money(pledge, pledge.max_price),
        "url": campaign_url(campaign),
    }
    return Email([pledge.user.email], _("Not filled: %(title)s") % {"title": campaign.title}, body)


def failed(pledge: Pledge) -> Email:
    campaign = pledge.campaign
    body = _(
        "“%(title)s” did not reach its minimum by the deadline, so it is not going ahead. "
        "Nobody pays, and anything set aside on your balance is free again.\n\n%(url)s\n"
    ) % {"title": campaign.title, "url": campaign_url(campaign)}
    return Email(
        [pledge.user.email], _("Not going ahead: %(title)s") % {"title": campaign.title}, body
    )


def cancelled(pledge: Pledge, reason: str) -> Email:
    campaign = pledge.campaign
    body = _(
        "The coordinators cancelled “%(title)s”: %(reason)s\n\nNobody pays, and anything set "
        "aside on your balance is free again.\n"
    ) % {"title": campaign.title, "reason": reason}
    return Email([pledge.user.email], _("Cancelled: %(title)s") % {"title": campaign.title}, body)
