"""Who lives in the demo: names and towns that look like a real UK buying-group scene."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DEMO_PASSWORD = "buy-together"


@dataclass(frozen=True)
class DemoGroup:
    slug: str
    name: str
    place: str
    latitude: Decimal
    longitude: Decimal
    visibility: str
    join_policy: str
    description: str


GROUPS = (
    DemoGroup(
        "hebden-bridge-bulk-buyers",
        "Hebden Bridge Bulk Buyers",
        "Hebden Bridge, West Yorkshire",
        Decimal("53.742400"),
        Decimal("-2.014200"),
        "public",
        "approval",
        "Twenty-odd households in the Calder Valley ordering from Suma every other Tuesday. "
        "Pick-up at the Town Hall on Friday evenings. New members welcome: tell us which street "
        "you live on.",
    ),
    DemoGroup(
        "totnes-wholefood-coop",
        "Totnes Wholefood Co-op",
        "Totnes, Devon",
        Decimal("50.431900"),
        Decimal("-3.683900"),
        "public",
        "open",
        "Monthly orders of grains, pulses, oils and eco-cleaning refills from Essential Trading "
        "and local growers. Collection from the Methodist church hall.",
    ),
    DemoGroup(
        "leith-larder",
        "Leith Larder",
        "Leith, Edinburgh",
        Decimal("55.975600"),
        Decimal("-3.171600"),
        "private",
        "invitation",
        "A tenement stair's buying club, by invitation. Fortnightly orders from Infinity Foods.",
    ),
)

FIRST_NAMES = (
    "Alex",
    "Priya",
    "Tom",
    "Siobhan",
    "Marcus",
    "Aisha",
    "Gareth",
    "Fatima",
    "Owen",
    "Hannah",
    "Kwame",
    "Ellie",
    "Rhys",
    "Mei",
    "Callum",
    "Zainab",
    "Ruth",
    "Dev",
    "Niamh",
    "Jonah",
    "Imogen",
    "Tariq",
    "Bethan",
    "Lukas",
    "Grace",
    "Samir",
    "Isla",
    "Ifeoma",
    "Harry",
    "Rosa",
    "Ewan",
    "Yasmin",
    "Martha",
    "Kofi",
    "Freya",
    "Arjun",
    "Catrin",
    "Joe",
    "Leila",
    "Fraser",
    "Agnieszka",
    "Nathan",
    "Maggie",
    "Ravi",
    "Orla",
    "Sean",
    "Chloe",
    "Duncan",
)
SURNAMES = (
    "Morgan",
    "Patel",
    "Hughes",
    "O'Brien",
    "Campbell",
    "Khan",
    "Evans",
    "Begum",
    "Price",
    "Whitaker",
    "Mensah",
    "Clarke",
    "Jones",
    "Chen",
    "MacLeod",
    "Hussain",
    "Ashworth",
    "Sharma",
    "Byrne",
    "Fletcher",
    "Pearce",
    "Ahmed",
    "Lloyd",
    "Novak",
    "Bennett",
    "Aziz",
    "Fraser",
    "Okafor",
    "Wood",
    "Silva",
    "Grant",
    "Malik",
    "Holt",
    "Boateng",
    "Shaw",
    "Nair",
    "Rees",
    "Turner",
    "Haddad",
    "Ross",
    "Kowalska",
    "Green",
    "Doyle",
    "Gupta",
    "Kelly",
    "Murphy",
    "Walsh",
    "Stewart",
)


def email_for(first: str, last: str) -> str:
    local = f"{first}.{last}".lower().replace("'", "")
    return f"{local}@example.org"
