"""Bank statement import: upload with a column mapping, the lines, booking and ignoring them.

`membership_id` in a body is replaced with group A's plain member's id before sending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopbuy.api.tests.access import Upload
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import StatementImport, StatementLine
from coopbuy.ledger.services import payment_reference_for
from coopbuy.ledger.statements import statement_import

if TYPE_CHECKING:
    from coopbuy.api.tests.conftest import World

LINES = "/groups/{slug}/bank-statements/lines"
STATEMENT = b"Date,Payer,Amount,Reference\n02/04/2026,B. Jones,12.00,rent share\n"
MAPPING = {"date": "0", "amount": "2", "reference": "3", "counterparty": "1"}

ACCESS = {
    "POST /groups/{slug}/bank-statements/columns": "money",
    "POST /groups/{slug}/bank-statements": "money",
    f"GET {LINES}": "money",
    f"POST {LINES}/{{line_id}}/book": "money",
    f"POST {LINES}/{{line_id}}/ignore": "money",
    "POST /groups/{slug}/bank-statements/confirm-matched": "money",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    "POST /groups/{slug}/bank-statements/columns": Upload(files={"file": ("april.csv", STATEMENT)}),
    "POST /groups/{slug}/bank-statements": Upload(
        data={**MAPPING, "date_format": "%d/%m/%Y"}, files={"file": ("april.csv", STATEMENT)}
    ),
    f"POST {LINES}/{{line_id}}/book": {"membership_id": 0},
}


def seed(world: World) -> None:
    """A statement of group A with one line matched to its plain member and one unmatched."""
    reference = payment_reference_for(world.member_a)
    statement_import(
        group=world.a,
        actor=world.people["treasurer"],
        filename="march.csv",
        content=(
            "Date,Payer,Amount,Reference\n"
            f"31/03/2026,P. Member,20.00,{reference}\n"
            "31/03/2026,Someone,7.50,groceries\n"
        ).encode(),
        mapping={name: int(index) for name, index in MAPPING.items()},
        date_format="%d/%m/%Y",
    )
    world.ids["line_id"] = StatementLine.objects.get(group=world.a, status="matched").pk


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    return (
        list(
            StatementImport.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "line_count", "duplicate_count")
        ),
        list(
            StatementLine.objects.filter(group=group)
            .order_by("pk")
            .values_list("pk", "status", "account", "transaction")
        ),
    )
