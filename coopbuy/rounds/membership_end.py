"""What the rounds say when a membership is about to end (see `coopbuy.groups.ending`).

- A round the person ordered in, or was allocated or charged in, that is closed, ordered or
  received but not yet settled refuses the end: its delivery may still change their bill.
- An open round whose deadline has passed (the close is due) refuses too, for the same reason.
- An open round before its deadline does not: the person's basket there (demand and budget) is
  emptied as they go, with an audit row, so the close never charges someone who has left.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.models import Membership
from coopbuy.rounds.models import DemandLine, MemberBudget, Round

UNSETTLED = (Round.Status.CLOSED, Round.Status.ORDERED, Round.Status.RECEIVED)


def _involved(membership: Membership) -> Q:
    return (
        Q(demand__membership=membership)
        | Q(allocations__membership=membership)
        | Q(charges__membership=membership)
    )


def unsettled_rounds(membership: Membership) -> list[Round]:
    """Rounds that still concern this member's money: closed, ordered or received, or past due."""
    now = timezone.now()
    return list(
        Round.objects.filter(group_id=membership.group_id)
        .filter(
            Q(status__in=UNSETTLED) | Q(status=Round.Status.OPEN, closes_at__lte=now),
        )
        .filter(_involved(membership))
        .distinct()
        .order_by("closes_at", "pk")
    )


class RoundsOnMembershipEnd:
    def refusals(self, membership: Membership, *, leaving: bool) -> list[str]:
        rounds = unsettled_rounds(membership)
        if not rounds:
            return []
        names = ", ".join(f"“{r.name}”" for r in rounds)
        if leaving:
            return [
                _(
                    "You cannot leave yet: your orders in %(rounds)s are not settled. Once the "
                    "coordinators have recorded the delivery and settled the round, you can leave."
                )
                % {"rounds": names}
            ]
        return [
            _(
                "%(user)s cannot be removed yet: their orders in %(rounds)s are not settled. "
                "Record the delivery and settle the round first."
            )
            % {"user": membership.user.name, "rounds": names}
        ]

    def before_end(self, membership: Membership, *, actor: User) -> None:
        """Empty the person's basket in every open round (its deadline not passed)."""
        involved = (
            Round.objects.filter(group_id=membership.group_id, status=Round.Status.OPEN)
            .filter(Q(demand__membership=membership) | Q(budgets__membership=membership))
            .values("pk")
        )
        open_rounds = list(  # locked by primary key; a round closed meanwhile is left alone
            Round.objects.select_for_update(no_key=True)
            .filter(pk__in=involved, status=Round.Status.OPEN)
            .order_by("pk")
        )
        for round in open_rounds:
            lines, _kinds = DemandLine.objects.filter(round=round, membership=membership).delete()
            MemberBudget.objects.filter(round=round, membership=membership).delete()
            audit_record(
                action="round.basket_emptied",
                summary=_("%(user)s's basket in “%(round)s” was emptied as they left the group")
                % {"user": membership.user.name, "round": round.name},
                actor=actor,
                group=membership.group,
                subject=membership.user,
                data={"round": round.pk, "demand_lines": lines},
            )


STEP = RoundsOnMembershipEnd()
