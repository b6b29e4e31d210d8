"""`{% member_round_saving round membership as saving %}`: a member's saving sentence."""

from __future__ import annotations

from typing import Any

from django import template

from coopbuy.reports.findings import saving_sentence
from coopbuy.reports.selectors import member_round

register = template.Library()


@register.simple_tag
def member_round_saving(round: Any, membership: Any) -> str:
    """The sentence, or "" when the round has no figures for the member (not closed, no order)."""
    if membership is None or round is None:
        return ""
    figures = member_round(round_id=round.pk, membership_id=membership.pk)
    return saving_sentence(figures, round.currency) if figures is not None else ""
