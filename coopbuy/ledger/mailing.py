"""Monthly statements by email, through the outbox: a link to the statement, once per month.

`statements_send` is run by `coopbuy ledger send-statements` (e.g. from cron on the 1st). Each
member account with activity in the month, or a balance other than zero, gets one email with its
opening and closing balance and a link to the statement page (and its PDF); a `StatementDispatch`
row per account and month, unique, makes a second run send nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Account, StatementDispatch
from coopbuy.ledger.selectors import format_money, monthly_statement
from coopbuy.outbox.services import outbox_enqueue


@transaction.atomic
def statements_send(*, group: BuyingGroup, year: int, month: int) -> int:
    """Queue the month's statement emails of a group; how many were queued now."""
    queued = 0
    accounts = (
        Account.objects.filter(group=group, kind=Account.Kind.MEMBER, membership__isnull=False)
        .select_related("membership__user")
        .order_by("pk")
    )
    for account in accounts:
        statement = monthly_statement(account=account, year=year, month=month)
        if not statement.rows and not statement.closing:
            continue
        try:
            with transaction.atomic():
                StatementDispatch.objects.create(account=account, year=year, month=month)
        except IntegrityError:
            continue  # already sent
        assert account.membership is not None
        user = account.membership.user
        link = settings.SITE_URL.rstrip("/") + reverse(
            "ledger:statement", args=[group.slug, account.pk, year, month]
        )
        outbox_enqueue(
            to=[user.email],
            subject=_("Your statement for %(month)s from %(group)s")
            % {"month": statement.first_day.strftime("%B %Y"), "group": group.name},
            body=_(
                "Hello %(name)s,\n\nyour balance with %(group)s went from %(opening)s to "
                "%(closing)s in %(month)s (%(count)s transactions).\n"
                "See the statement (and download it as PDF): %(link)s\n"
            )
            % {
                "name": user.name,
                "group": group.name,
                "opening": format_money(statement.opening, group.currency),
                "closing": format_money(statement.closing, group.currency),
                "month": statement.first_day.strftime("%B %Y"),
                "count": len(statement.rows),
                "link": link,
            },
        )
        queued += 1
    return queued
