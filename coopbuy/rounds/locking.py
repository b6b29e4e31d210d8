"""Row locks of rounds, taken by every writer in the same order (see docs/adr)."""

from __future__ import annotations

from coopbuy.rounds.models import Round


def lock_round(round: Round) -> Round:
    """Lock the round's row for the rest of the transaction and read it afresh."""
    return Round.objects.select_for_update().select_related("group").get(pk=round.pk)
