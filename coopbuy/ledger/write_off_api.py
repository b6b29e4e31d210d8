"""A coordinator writes a member's balance off through the API (see `coopbuy.ledger.write_off`).

Attached to the ledger's router (`api.py` imports this module). The member is looked up among the
group's current members; another group's member is not found.
"""

from django.http import HttpRequest
from ninja import Field
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Input, Text
from coopbuy.groups.permissions import group_for_coordinator, member_in_group
from coopbuy.ledger.api_router import ledger_key, router
from coopbuy.ledger.api_schemas import Id, TransactionOut
from coopbuy.ledger.write_off import ledger_write_off


class WriteOffIn(Input):
    reason: Text = Field(
        min_length=1,
        max_length=160,
        description="Why the balance is written off; the member sees it on their statement.",
    )


@router.post(
    "/{slug:slug}/members/{int:membership_id}/write-off",
    response={201: TransactionOut, **problem_responses()},
)
@idempotent
def write_off_balance(
    request: HttpRequest, slug: str, membership_id: Id, payload: WriteOffIn
) -> Status[TransactionOut]:
    """Bring a member's balance to zero with a named adjustment (coordinators), so that they can
    leave or be removed. A balance already at zero is a 422."""
    group, _mine = group_for_coordinator(slug=slug, user=caller(request))
    member = member_in_group(group=group, membership_id=membership_id)
    posted = ledger_write_off(
        membership=member,
        actor=caller(request),
        reason=payload.reason,
        idempotency_key=ledger_key(request),
    )
    amount = posted.entries.get(account__membership=member).amount
    return Status(201, TransactionOut.of(posted, amount, member.pk))
