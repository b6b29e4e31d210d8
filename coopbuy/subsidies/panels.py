"""The ordering page's subsidy panel (`settings.COOPBUY_ORDERING_PANELS`).

"Calder Mills pays 10 % of your goods, up to £20.00 a month: £12.40 left this month."
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from coopbuy.groups.models import Membership
from coopbuy.ledger.selectors import format_money
from coopbuy.rounds.extensions import Panel
from coopbuy.rounds.models import Round
from coopbuy.subsidies.models import SubsidyRule
from coopbuy.subsidies.permissions import programme_of_group
from coopbuy.subsidies.selectors import (
    active_rules,
    friends_and_family,
    fund_balance,
    left_this_month,
)
from coopbuy.subsidies.services import rule_sentence


def subsidy_lines(*, membership: Membership) -> list[str]:
    """One sentence per rule in force for this member's programme (empty: none)."""
    programme = programme_of_group(group_id=membership.group_id)
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


def subsidy_panel(*, round: Round, membership: Membership) -> Panel | None:
    lines = subsidy_lines(membership=membership)
    if not lines:
        return None
    return Panel("subsidies/ordering_panel.html", {"lines": lines})
