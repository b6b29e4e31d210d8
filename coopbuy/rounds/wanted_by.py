"""When the group wants a round's delivery: on the purchase order, never before the close."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.rounds.errors import RoundError
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import Round
from coopbuy.rounds.permissions import require_round_coordinator


def check_wanted_by(closes_at: datetime, wanted_by: date | None) -> None:
    if wanted_by is not None and wanted_by < timezone.localdate(closes_at):
        raise RoundError(
            _("The delivery cannot be wanted before the round closes (%(day)s).")
            % {"day": date_format(timezone.localdate(closes_at), "j F Y")},
            field="wanted_by",
        )


@transaction.atomic
def round_set_wanted_by(*, round: Round, actor: User, wanted_by: date | None) -> Round:
    """When the group wants the delivery (None: no date), until the order is sent."""
    require_round_coordinator(round=round, user=actor)
    round = lock_round(round)
    if round.status not in (Round.Status.DRAFT, Round.Status.OPEN, Round.Status.CLOSED):
        raise RoundError(
            _("The order has gone to the suppliers; tell them a new date directly."),
            field="wanted_by",
        )
    check_wanted_by(round.closes_at, wanted_by)
    if round.wanted_by == wanted_by:
        return round
    round.wanted_by = wanted_by
    round.save(update_fields=["wanted_by"])
    audit_record(
        action="round.wanted_by_set",
        summary=_("%(user)s set when %(round)s is wanted by")
        % {"user": actor.name, "round": round.name},
        actor=actor,
        group=round.group,
        data={"round": round.pk, "wanted_by": wanted_by.isoformat() if wanted_by else None},
    )
    return round
