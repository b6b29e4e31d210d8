"""The ordering page's subsidy panel (`settings.COOPBUY_ORDERING_PANELS`).

"Calder Mills pays 10 % of your goods, up to £20.00 a month: £12.40 left this month."
And, once a round has closed, what the member got of it: "Calder Mills paid £1.20 towards this
round." and, after a delivery changed it, "Subsidy adjusted after the delivery: -£0.40" (shown
with a true minus sign).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.core import subsidy as core
from coopbuy.core.money import from_minor, to_minor
from coopbuy.groups.models import Membership
from coopbuy.ledger.selectors import format_money
from coopbuy.organisations.models import Programme
from coopbuy.rounds.extensions import Panel
from coopbuy.rounds.models import Round
from coopbuy.rounds.ordering import basket_summary
from coopbuy.subsidies.closing import month_of, used_this_month, work_out
from coopbuy.subsidies.models import SubsidyRule
from coopbuy.subsidies.permissions import programme_of_group
from coopbuy.subsidies.selectors import (
    active_rules,
    friends_and_family,
    fund_balance,
    left_this_month,
    member_round_subsidy,
)
from coopbuy.subsidies.services import rule_sentence


def subsidy_lines(*, membership: Membership) -> list[str]:
    """One sentence per rule in force for this member's programme (empty: none)."""
    return _rule_lines(membership, programme_of_group(group_id=membership.group_id))


def _rule_lines(membership: Membership, programme: Programme | None) -> list[str]:
    if programme is None:
        return []
    organisation = programme.organisation
    lines = []
    rules = active_rules(programme=programme)
    if membership.pk in friends_and_family(programme):
        covering = [r for r in rules if r.covers == SubsidyRule.Covers.EVERYONE]
        if rules and not covering:
            return [
                _("%(org)s's subsidy is for its employees: friends and family pay the full price.")
                % {"org": organisation.name}
            ]
        rules = covering
    for rule in rules:
        text = rule_sentence(rule, organisation.name, membership.group.currency)
        left = left_this_month(rule=rule, membership=membership)
        if left is not None:
            text += _(": %(left)s left this month") % {
                "left": format_money(left, membership.group.currency)
            }
        lines.append(text + ".")
    if lines and fund_balance(organisation=organisation) <= 0:
        lines.append(
            _("The subsidy fund is empty at the moment: nothing is paid until it is topped up.")
        )
    return lines


def signed_money(amount: Decimal, currency: str) -> str:
    """+£0.20, or a true minus sign before £0.40: a change, not a balance."""
    sign = "\N{MINUS SIGN}" if amount < 0 else "+"
    return sign + format_money(abs(amount), currency)


def round_lines(*, round: Round, membership: Membership) -> list[str]:
    """What the programme paid this member towards this round, and each change after delivery."""
    mine = member_round_subsidy(round_id=round.pk, membership=membership)
    if mine is None:
        return []
    currency = round.group.currency
    lines = [
        _("%(org)s paid %(amount)s towards this round.")
        % {"org": mine.organisation, "amount": format_money(mine.paid_at_close, currency)}
    ]
    lines += [
        _("Subsidy adjusted after the delivery: %(change)s")
        % {"change": signed_money(change, currency)}
        for _day, change in mine.changes
    ]
    if mine.undone:
        lines.append(_("%(org)s's subsidy of this round was undone.") % {"org": mine.organisation})
    elif mine.changes:
        lines.append(
            _("Your subsidy for this round: %(amount)s.")
            % {"amount": format_money(mine.now, currency)}
        )
    return lines


def basket_estimate(*, round: Round, membership: Membership, programme: Programme) -> str:
    """While the round is open: what the programme would pay towards the member's basket if the
    round closed now, by the close's own rules (this month's caps, what the fund holds); empty
    for an empty basket or nothing paid. Other members' baskets may share the fund at the close,
    and the delivery share is not known yet: it is an estimate, and says so."""
    if round.status != Round.Status.OPEN:
        return ""
    basket = basket_summary(round=round, membership=membership)
    if basket.total <= 0:
        return ""
    rules = active_rules(programme=programme)
    if not rules:
        return ""
    paid = work_out(
        programme=programme,
        rules=rules,
        charges=[core.Charge(member=membership.pk, goods=to_minor(basket.total), delivery=0)],
        used=used_this_month(
            rules=rules, membership_ids=[membership.pk], month=month_of(timezone.localdate())
        ),
        fund=to_minor(fund_balance(organisation=programme.organisation)),
    )
    total = from_minor(sum(paid.values()))
    if total <= 0:
        return ""
    return _("On your basket now (%(basket)s): about %(amount)s off when the round closes.") % {
        "basket": format_money(basket.total, round.group.currency),
        "amount": format_money(total, round.group.currency),
    }


def subsidy_panel(*, round: Round, membership: Membership) -> Panel | None:
    return _panel(
        round=round,
        membership=membership,
        programme=programme_of_group(group_id=membership.group_id),
    )


def subsidy_basket_panel(*, round: Round, membership: Membership) -> Panel | None:
    """The panel again for a basket change's answer, when the group runs a programme (its
    estimate follows the basket); None otherwise, at the cost of that one query."""
    programme = programme_of_group(group_id=membership.group_id)
    if programme is None:
        return None
    return _panel(round=round, membership=membership, programme=programme)


def _panel(*, round: Round, membership: Membership, programme: Programme | None) -> Panel | None:
    this_round = round_lines(round=round, membership=membership)
    lines = _rule_lines(membership, programme)
    if not lines and not this_round:
        return None
    estimate = (
        ""
        if programme is None
        else basket_estimate(round=round, membership=membership, programme=programme)
    )
    return Panel(
        "subsidies/ordering_panel.html",
        {"lines": lines, "this_round": this_round, "estimate": estimate},
    )
