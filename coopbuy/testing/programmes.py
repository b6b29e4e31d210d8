"""Factories for employer programmes: an employer with a confirmed domain and a programme."""

from __future__ import annotations

import re

from django.core import mail

from coopbuy.accounts.models import User
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.services import organisation_create
from coopbuy.programmes import claims, services
from coopbuy.programmes.models import DomainClaim
from coopbuy.testing.factories import make_user

LINK = re.compile(r"http://testserver(/\S+)")


def link_in_last_email(to: str) -> str:
    """The path of the last link emailed to `to` (the locmem outbox)."""
    message = [m for m in mail.outbox if to in m.to][-1]
    found = LINK.search(str(message.body))
    assert found is not None, message.body
    return found.group(1)


def make_employer(admin: User | None = None, name: str = "Calder Mills Ltd") -> Organisation:
    return organisation_create(creator=admin or make_user("Employer admin"), name=name,
                               kind="employer")  # fmt: skip


def confirm_domain(organisation: Organisation, admin: User, domain: str) -> DomainClaim:
    """Claim and confirm a domain through the services (the token as the email carries it)."""
    claim = claims.domain_claim_create(
        organisation=organisation, actor=admin, domain=domain, proof_email=f"hr@{domain}"
    )
    return claims.domain_claim_confirm(token=claims.claim_token(claim))


def make_programme(
    organisation: Organisation,
    admin: User,
    *,
    coordinator: User | None = None,
    name: str = "Staff buying group",
    friends_and_family: bool = True,
) -> Programme:
    return services.programme_create(
        organisation=organisation,
        actor=admin,
        name=name,
        coordinator=coordinator or make_user("Group coordinator"),
        allows_friends_and_family=friends_and_family,
    )
