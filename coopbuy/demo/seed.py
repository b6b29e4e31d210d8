"""Seed the demo through the same services people use, so the audit log reads like real life.

Idempotent: each piece is looked up first and only created when missing, so a second run adds
nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.groups import invitations, join_requests, memberships, services
from coopbuy.groups.delivery import DeliveryDetails, group_set_delivery
from coopbuy.groups.models import BuyingGroup, Invitation, JoinRequest, Membership
from coopbuy.interest.suggestions import suggestions_refresh

from .campaigns_seed import seed_campaigns
from .catalog_seed import seed_catalogs
from .federations_seed import seed_federations
from .identities_seed import seed_identities
from .interest_seed import seed_homes, seed_interest
from .ledger_seed import seed_ledger
from .people import DEMO_PASSWORD, FIRST_NAMES, GROUPS, SURNAMES, email_for
from .pictures_seed import seed_pictures
from .pooled_seed import seed_pooled
from .programmes_seed import seed_programmes
from .rounds_seed import seed_rounds
from .subsidies_seed import seed_subsidies
from .teamdeals_seed import seed_teamdeals
from .tenders_seed import seed_tenders

Role = Membership.Role
MEMBERS_PER_GROUP = 15
ADMIN_EMAIL = "admin@example.org"
# Where Hebden Bridge's suppliers deliver (its coordinator is the contact); a phone number from
# Ofcom's range kept for drama.
HEBDEN_ADDRESS = "Hebden Bridge Town Hall (goods entrance)\nSt George's Street\nHebden Bridge"
HEBDEN_POSTCODE, HEBDEN_PHONE = "HX7 7BY", "01632 960 412"


@dataclass
class DemoSummary:
    created_users: int = 0
    created_groups: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)

    def describe(self, url: str) -> str:
        lines = [
            f"coopbuy demo: {self.created_users} people and {self.created_groups} groups added "
            "(0 means they were already there).",
            f"Open {url} and log in with one of these (password: {DEMO_PASSWORD}):",
        ]
        lines += [f"  {email:<34} {what}" for email, what in self.logins]
        return "\n".join(lines)


@cache
def _demo_password_hash() -> str:
    """Hash the shared demo password once: hashing it for each of 49 people takes half a minute."""
    return make_password(DEMO_PASSWORD)


def _person(index: int, summary: DemoSummary) -> User:
    first, last = FIRST_NAMES[index], SURNAMES[index]
    email = email_for(first, last)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=f"{first} {last}")
        user.password = _demo_password_hash()
        user.date_joined = timezone.now() - timedelta(days=200 - index * 3)
        user.save(update_fields=["date_joined", "password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        summary.created_users += 1
    return user


def _admin(summary: DemoSummary) -> None:
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        admin = User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, display_name="Operator")
        EmailAddress.objects.create(user=admin, email=ADMIN_EMAIL, verified=True, primary=True)
        summary.created_users += 1


@transaction.atomic
def seed_demo() -> DemoSummary:
    started = timezone.now()
    summary = DemoSummary()
    _admin(summary)
    people = [_person(i, summary) for i in range(len(FIRST_NAMES))]
    for number, spec in enumerate(GROUPS):
        # Each group: 15 members, the first its coordinator, the second its treasurer; a few
        # people belong to two groups, as in real life.
        start = number * MEMBERS_PER_GROUP
        members = [*people[start : start + MEMBERS_PER_GROUP], people[(start + 20) % 45]]
        coordinator, treasurer = members[0], members[1]
        group = BuyingGroup.objects.filter(slug=spec.slug).first()
        if group is None:
            group = services.group_create(
                creator=coordinator,
                name=spec.name,
                slug=spec.slug,
                description=spec.description,
                place=spec.place,
                latitude=spec.latitude,
                longitude=spec.longitude,
                visibility=spec.visibility,
                join_policy=spec.join_policy,
            )
            summary.created_groups += 1
        link = Invitation.objects.filter(
            group=group, email=""
        ).first() or invitations.invitation_create(
            group=group, actor=coordinator, role=Role.MEMBER, days_valid=30
        )
        for offset, person in enumerate(members[1:], start=1):
            if not Membership.objects.active().filter(group=group, user=person).exists():
                membership = invitations.invitation_accept(code=link.code, user=person)
                membership.joined_at = timezone.now() - timedelta(days=180 - offset * 9)
                membership.save(update_fields=["joined_at"])
        treasurer_membership = Membership.objects.get(group=group, user=treasurer)
        if treasurer_membership.role != Role.TREASURER:
            memberships.membership_change_role(
                membership=treasurer_membership, actor=coordinator, role=Role.TREASURER
            )
        second = Membership.objects.get(group=group, user=members[2])
        if number == 0 and second.role != Role.COORDINATOR:
            memberships.membership_change_role(
                membership=second, actor=coordinator, role=Role.COORDINATOR
            )
        # Pending invitations by email.
        for invitee in (
            f"new.neighbour{number + 1}@example.org",
            f"friend{number + 1}@example.org",
        ):
            if not Invitation.objects.filter(group=group, email=invitee).exists():
                invitations.invitation_create(group=group, actor=coordinator, email=invitee)
        if number == 0 and not group.delivery_address:
            details = DeliveryDetails(
                HEBDEN_ADDRESS, HEBDEN_POSTCODE, coordinator.display_name, HEBDEN_PHONE
            )
            group_set_delivery(group=group, actor=coordinator, details=details)
        if number == 0:
            summary.logins += [
                (coordinator.email, f"coordinator of {group.name}"),
                (treasurer.email, f"treasurer of {group.name}"),
                (members[5].email, f"member of {group.name}"),
            ]
    # Join requests waiting for an answer: the last three people ask Hebden Bridge and Totnes.
    hebden = BuyingGroup.objects.get(slug=GROUPS[0].slug)
    for person, message in (
        (people[45], "We live on Market Street and would love to join the Suma orders."),
        (people[46], "Vegan household of three in Mytholmroyd: can we collect on Fridays?"),
        (people[47], ""),
    ):
        if not Membership.objects.filter(group=hebden, user=person).exists() and not (
            JoinRequest.objects.filter(group=hebden, user=person).exists()
        ):
            join_requests.join_request_create(group=hebden, user=person, message=message)
    seed_homes()
    neighbours = seed_interest(_demo_password_hash())
    suggestions_refresh(time_limit=5.0)  # the neighbours get a suggested group
    summary.created_users += sum(1 for n in neighbours if n.date_joined >= started)
    summary.logins += [
        (people[45].email, "new here: asked to join Hebden Bridge"),
        (neighbours[0].email, "no group yet: registered interest near Hebden Bridge"),
        (ADMIN_EMAIL, "platform operator (Django admin at /admin/)"),
    ]
    seed_catalogs()
    # Money first: members top up before they order, as a group that asks for prepayment expects.
    seed_ledger()
    seed_rounds(GROUPS[0].slug)
    seed_pictures(GROUPS[0].slug)
    campaign = seed_campaigns(GROUPS[0].slug)
    if campaign is not None:
        summary.logins.append(
            (f"/c/{campaign.code}/", "a campaign in progress (open it signed out)")
        )
    added, logins = seed_identities(group_slug=GROUPS[0].slug, password_hash=_demo_password_hash())
    summary.created_users += added
    summary.logins += logins
    summary.logins += seed_federations()
    pooled_login = seed_pooled([spec.slug for spec in GROUPS[:3]])
    if pooled_login is not None:
        summary.logins.append(pooled_login)
    summary.logins += seed_tenders(_demo_password_hash())
    for added, logins in (
        seed_programmes(password_hash=_demo_password_hash()),
        seed_subsidies(password_hash=_demo_password_hash()),
        seed_teamdeals(_demo_password_hash()),
    ):
        summary.created_users += added
        summary.logins += logins
    return summary
