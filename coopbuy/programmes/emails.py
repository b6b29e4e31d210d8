"""The programmes' emails (a domain claim's confirmation, a work-email verification), written
to the outbox in the service's transaction and sent after it commits."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from coopbuy.groups.models import Membership
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.outbox.services import Email
from coopbuy.programmes.models import DomainClaim, SponsorshipOffer


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _render(template: str, context: dict[str, object], to: str) -> Email:
    return Email(
        to=[to],
        subject=render_to_string(f"programmes/email/{template}_subject.txt", context).strip(),
        body=render_to_string(f"programmes/email/{template}.txt", context),
    )


def claim_confirmation_email(
    claim: DomainClaim, organisation: Organisation, token: str, days: int
) -> Email:
    context: dict[str, object] = {
        "claim": claim,
        "organisation": organisation,
        "days": days,
        "url": _url(reverse("programmes:claim_confirm", args=[token])),
    }
    return _render("claim_confirm", context, claim.proof_email)


def work_email_verification(programme: Programme, email: str, token: str, days: int) -> Email:
    context: dict[str, object] = {
        "programme": programme,
        "organisation": programme.organisation,
        "group": programme.group,
        "days": days,
        "url": _url(reverse("programmes:enrol_verify", args=[token])),
    }
    return _render("work_email", context, email)


def sponsorship_offer_emails(offer: SponsorshipOffer) -> list[Email]:
    """One message to each coordinator of the group offered sponsorship."""
    coordinators = (
        Membership.objects.active()
        .filter(group=offer.group, role=Membership.Role.COORDINATOR)
        .select_related("user")
    )
    context: dict[str, object] = {
        "offer": offer,
        "organisation": offer.organisation,
        "group": offer.group,
        "url": _url(reverse("programmes:sponsorship", args=[offer.group.slug, offer.pk])),
    }
    return [_render("sponsorship", context, m.user.email) for m in coordinators]


def programme_ended_emails(programme: Programme, members: list[Membership]) -> list[Email]:
    """One message to each member of the programme's group: the programme has ended."""
    context: dict[str, object] = {
        "programme": programme,
        "organisation": programme.organisation,
        "group": programme.group,
        "url": _url(reverse("groups:detail", args=[programme.group.slug])),
    }
    return [_render("programme_ended", context, m.user.email) for m in members]
