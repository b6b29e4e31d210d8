"""`{% cell c currency %}`: a dashboard cell, or "fewer than 5" where it rests on too few people."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from coopbuy.core.privacy import Floored
from coopbuy.programmes.dashboard import cell_text

register = template.Library()


@register.simple_tag
def cell(value: Floored[int] | Floored[Decimal] | None, currency: str = "") -> SafeString:
    return SafeString(
        render_to_string(
            "programmes/_cell.html", {"cell": value, "text": cell_text(value, currency)}
        ).strip()
    )
