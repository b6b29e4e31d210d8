"""Where the demo's people live, and the neighbours around Hebden Bridge who want a group.

Homes are postcode sectors near each person's group (set through the profile service, which
geocodes them); nine people without a group have registered interest in organic dry goods
around Hebden Bridge and Todmorden, one of them offering to host a pickup. Idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress

from coopbuy.accounts.models import User
from coopbuy.accounts.services import profile_update
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.interest.models import Interest
from coopbuy.interest.services import interest_save

from .people import GROUPS, email_for

# Postcode sectors around each demo group, handed out in turn to its members.
HOMES = {
    GROUPS[0].slug: ("HX7 8", "HX7 6", "HX7 7", "HX7 5", "OL14 5", "HX2 6"),
    GROUPS[1].slug: ("TQ9 5", "TQ9 6", "TQ9 7"),
    GROUPS[2].slug: ("EH6 5", "EH6 6", "EH6 7", "EH6 8"),
}


@dataclass(frozen=True)
class Neighbour:
    first: str
    last: str
    postcode: str
    travel_km: int
    spend: str
    host: bool = False


NEIGHBOURS = (
    Neighbour("Bryony", "Sutcliffe", "HX7 8AD", 8, "60", host=True),
    Neighbour("Idris", "Greenwood", "HX7 6", 6, "40"),
    Neighbour("Lotte", "Brearley", "HX7 7", 5, "35"),
    Neighbour("Winston", "Crabtree", "HX7 5", 8, "50"),
    Neighbour("Saoirse", "Helliwell", "OL14 5", 10, "45"),
    Neighbour("Anil", "Mitchell", "OL14 6", 8, "30"),
    Neighbour("Dorothy", "Uttley", "OL14 8", 10, "55"),
    Neighbour("Femi", "Barker", "HX2 6", 10, "40"),
    Neighbour("Gwen", "Haigh", "HX7 8", 5, "25"),
)


def seed_homes() -> int:
    """Give each group member without a home place one near their first group."""
    changed = 0
    for slug, sectors in HOMES.items():
        group = BuyingGroup.objects.filter(slug=slug).first()
        if group is None:
            continue
        members = Membership.objects.filter(group=group, user__home_place="").select_related("user")
        for index, membership in enumerate(members.order_by("pk")):
            user = membership.user
            profile_update(
                user=user,
                display_name=user.display_name,
                home_place=sectors[index % len(sectors)],
                home_latitude=None,
                home_longitude=None,
                language=user.language,
            )
            changed += 1
    return changed


def seed_interest(password_hash: str) -> list[User]:
    """The nine neighbours with registered interest (created once)."""
    people = []
    for n in NEIGHBOURS:
        email = email_for(n.first, n.last)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, None, display_name=f"{n.first} {n.last}")
            user.password = password_hash
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            profile_update(
                user=user,
                display_name=user.display_name,
                home_place=n.postcode,
                home_latitude=None,
                home_longitude=None,
                language=user.language,
            )
        if not Interest.objects.filter(user=user).exists():
            interest_save(
                user=user,
                postcode=n.postcode,
                categories=["Dry goods"],
                suppliers=["Suma"],
                products="Organic oats, lentils, rice, olive oil",
                spend_per_round=Decimal(n.spend),
                every=Interest.Every.MONTHLY,
                travel_km=n.travel_km,
                can_host_pickup=n.host,
            )
        people.append(user)
    return people
