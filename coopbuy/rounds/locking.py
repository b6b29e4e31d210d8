"""Row locks of rounds, taken by every writer in the same order (docs/adr/0005-lock-order.md)."""

from __future__ import annotations

from coopbuy.rounds.models import Round


def lock_round(round: Round) -> Round:
    """The round's row, locked FOR NO KEY UPDATE and read afresh; its group is read, not locked.

    The round comes before the ledger's rows, and no lock is of a kind that blocks the
    foreign-key checks of other transactions (a top-up's, at commit): docs/adr/0005.
    """
    return (
        Round.objects.select_for_update(no_key=True, of=("self",))
        .select_related("group")
        .get(pk=round.pk)
    )
