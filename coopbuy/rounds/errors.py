"""The errors of rounds, shown to people as they are: the base of every rounds module."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coopbuy.errors import UserFacingError
from coopbuy.rounds.models import Round


class RoundError(UserFacingError):
    pass


class RoundClosed(RoundError):
    pass


def refuse_if_pooled(round: Round, doing: str) -> None:
    """A child round of a pooled round is run by the federation: `doing` it alone is refused."""
    if round.pool_id is not None:
        raise RoundError(
            _("This round is part of the pooled round %(pool)s: %(doing)s it there.")
            % {"pool": round.pool.name, "doing": doing}  # type: ignore[union-attr]
        )


def refuse_pooled_change(round: Round, message: str, *, field: str | None = None) -> None:
    """What a pooled round's child takes from its pool (its deadline, that it does not repeat)
    is refused with `message`, which names the pool as `%(pool)s`."""
    if round.pool_id is not None:
        raise RoundError(
            message % {"pool": round.pool.name},  # type: ignore[union-attr]
            field=field,
        )


def closed_message(round: Round) -> str:
    """“This round closed at 20:00 on Tuesday 1 December”, in the site's time zone."""
    local = timezone.localtime(round.closes_at)
    return _("This round closed at %(time)s on %(day)s.") % {
        "time": formats.time_format(local, "H:i"),
        "day": formats.date_format(local, "l j F"),
    }
