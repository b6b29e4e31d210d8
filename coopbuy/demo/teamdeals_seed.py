"""Team deals: the retailer Pennine Organics offers its large organic veg box at £24 alone, £22
each in a team of 2 and £18 each in a team of 4, teams having 48 hours to fill.

Three teams: one in progress with 3 of 4 buyers, one that filled and succeeded (four buyers
charged £18 each, the sale posted into the retailer's book; two of them have paid it), one that
expired alone (nothing paid, its hold released). Through the services;
idempotent: the organisation is found by its slug, the deal by its title, each team by who started
it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.campaigns.services import campaign_settle
from coopbuy.groups.models import Membership
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.services import organisation_create
from coopbuy.teamdeals.models import Deal, Team
from coopbuy.teamdeals.money import buyer_payment_record
from coopbuy.teamdeals.services import DealInput, TeamTier, deal_create, team_join, team_start

from .people import FIRST_NAMES, SURNAMES, email_for

RETAILER_ADMIN_EMAIL = "orders@pennine-organics.example.org"
RETAILER_SLUG = "pennine-organics"
TITLE = "Organic veg box (large)"


def _admin(password_hash: str) -> tuple[User, bool]:
    user = User.objects.filter(email=RETAILER_ADMIN_EMAIL).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(RETAILER_ADMIN_EMAIL, None, display_name="Owen Hartley")
    user.password = password_hash
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user, True


def _people(indices: range) -> list[User]:
    emails = [email_for(FIRST_NAMES[i], SURNAMES[i]) for i in indices]
    found = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [found[e] for e in emails if e in found]


def _team(deal: Deal, people: list[User], started: timedelta) -> Team:
    """A team started `started` ago by the first person, the others joining an hour apart."""
    team = Team.objects.filter(deal=deal, started_by=people[0]).first()
    if team is not None:
        return team
    at = timezone.now() - started
    team = team_start(deal=deal, user=people[0], now=at)
    for offset, person in enumerate(people[1:], start=1):
        team_join(team=team, user=person, now=at + timedelta(hours=offset))
    return team


def seed_teamdeals(password_hash: str) -> tuple[int, list[tuple[str, str]]]:
    """Returns how many people were added and the logins to print."""
    admin, created = _admin(password_hash)
    organisation = Organisation.objects.filter(slug=RETAILER_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            creator=admin,
            name="Pennine Organics",
            slug=RETAILER_SLUG,
            kind=Organisation.Kind.RETAILER,
            description="An organic grower and box scheme above Todmorden.",
        )
    deal = Deal.objects.filter(organisation=organisation, title=TITLE).first()
    if deal is None:
        deal = deal_create(
            organisation=organisation,
            actor=admin,
            data=DealInput(
                title=TITLE,
                description="Ten seasonal vegetables from our fields, enough for a family week.",
                unit="box",
                solo_price=Decimal("24.00"),
                tiers=[TeamTier(2, Decimal("22.00")), TeamTier(4, Decimal("18.00"))],
                window_hours=48,
                active_from=timezone.now() - timedelta(days=5),
            ),
        )
    people = _people(range(20, 32))
    logins = [(admin.email, "admin of the retailer Pennine Organics (team deals: Manage, Money)")]
    if len(people) < 8:
        return int(created), logins
    succeeded = _team(deal, people[0:4], timedelta(hours=40))  # filled on its fourth buyer
    lone = _team(deal, people[4:5], timedelta(hours=47, minutes=59))
    campaign_settle(campaign=lone.campaign, now=lone.campaign.deadline)  # expired: nobody joined
    in_progress = _team(deal, people[5:8], timedelta(hours=6))
    assert succeeded.campaign.cap == 4
    # Two of the succeeded team's four buyers have paid the retailer (by bank and in cash); two
    # still owe £18.00 each (the admin's "Money: who owes what" page).
    for person, method, reference in ((people[0], "bank", "FPS 20931"), (people[1], "cash", "")):
        buyer_payment_record(
            organisation=organisation, actor=admin,
            membership=Membership.objects.get(group=organisation.deal_setup.group, user=person),
            amount=Decimal("18.00"), method=method, idempotency_key=f"demo-{person.pk}",
            reference=reference,
        )  # fmt: skip
    logins.append(
        (
            f"/deals/{deal.pk}/teams/{in_progress.campaign.code}/",
            "a team of 3 of 4 for a veg box: one more and all pay £18",
        )
    )
    logins.append((people[5].email, "started that veg box team"))
    return int(created), logins
