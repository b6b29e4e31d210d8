"""The members' email after a receiving at the federation: one to each member it affected.

A member is affected when their units of a product or their bill moved, or when a product they
hold was substituted or re-priced; the email is the digest a round's receiving sends
(`rounds.documents.DeliveryDigestMail`): what they get now and why, any substitute, any new price,
and the bill before and after. Sent through the outbox in the session's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.rounds import documents
from coopbuy.rounds.models import Allocation, MemberRoundCharge, Round


@dataclass(frozen=True)
class Delivered:
    """A product that reached the federation under another name or at another price."""

    product_id: int  # the catalogue product
    name: str  # as ordered
    substitute_name: str  # "": the product itself
    old_price: Decimal
    new_price: Decimal

    @property
    def shown(self) -> str:
        return self.substitute_name or self.name

    @property
    def moved(self) -> bool:
        return self.old_price != self.new_price


def tell_members(
    children: list[Round],
    changes: dict[int, dict[int, tuple[str, int, int, str]]],
    bills: dict[int, tuple[Decimal, Decimal]],
    delivered: list[Delivered],
) -> int:
    """One email to each member whose order or bill moved, or who holds a product that came
    substituted or at a new price, as a round's receiving sends; returns how many."""
    by_product = {d.product_id: d for d in delivered}
    holding: dict[int, list[Delivered]] = {}
    for pk, product in (
        Allocation.objects.filter(round__in=children, units__gt=0, product__product__in=by_product)
        .order_by("membership_id", "product__product_id")
        .values_list("membership_id", "product__product_id")
    ):
        holding.setdefault(pk, []).append(by_product[product])
    told = set(changes) | {pk for pk, (b, n) in bills.items() if b != n} | set(holding)
    if not told:
        return 0
    round_of = dict(
        MemberRoundCharge.objects.filter(round__in=children, membership_id__in=told).values_list(
            "membership_id", "round_id"
        )
    )
    totals = dict(
        MemberRoundCharge.objects.filter(round__in=children, membership_id__in=told).values_list(
            "membership_id", "total"
        )
    )
    emails = dict(Membership.objects.filter(pk__in=told).values_list("pk", "user__email"))
    mails = {r.pk: documents.DeliveryDigestMail(r) for r in children}
    out: list[Email] = []
    for pk in sorted(told):
        if not emails.get(pk) or pk not in round_of:
            continue
        mine = holding.get(pk, [])
        out.append(
            mails[round_of[pk]].email(
                to=emails[pk],
                changes=[
                    documents.DeliveryChange(name, before, now, reason)
                    for _p, (name, before, now, reason) in sorted(changes.get(pk, {}).items())
                ],
                prices=[(d.shown, d.old_price, d.new_price) for d in mine if d.moved],
                total_before=bills[pk][0] if pk in bills else totals[pk],
                total_now=totals[pk],
                substitutes=[(d.name, d.substitute_name) for d in mine if d.substitute_name],
            )
        )
    outbox_enqueue_many(out)
    return len(out)
