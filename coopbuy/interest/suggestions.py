"""Suggested groups: match people who registered interest into proposed groups, and their answers.

`suggestions_refresh()` builds a matching problem (shared/specs/matching.md) from registered
interest, runs `coopbuy.core.matching.match` and stores each proposed group as an open
`Suggestion`; every person proposed is emailed (through the outbox) and sees it on /interest/.
They accept or decline; starting the group lives in the groups area
(`coopbuy.groups.suggestion_start`), which may create groups and invitations.

Decisions where the brief is silent:

- Who is matched: every person with registered interest who is in no group (no active
  membership), or who is and said they would like another group too (`Interest.another_group`),
  and who is not already in an open or started suggestion (unless they declined it: started
  means they were invited).
- Expiry: an open suggestion expires `COOPBUY_SUGGESTION_DAYS` (14) days after it was proposed
  or last answered (`Suggestion.expires_at`; each accept or decline moves it on). Past that time
  it is expired for every purpose (answering and starting are refused) even before
  `suggestions_expire` marks it, which every refresh does first. Its people can be matched
  again, but never into the same group with the same supplier: a group that expired unchanged
  is not proposed again (a newcomer nearby changes it, and then it is).
  Interest that names no supplier (only categories or products) cannot be matched to a minimum
  order and is left out.
- Suppliers are the names people typed, compared case-insensitively (the first spelling seen is
  kept). A supplier's minimum order value is `MINIMUM_ORDER[name]` when known (Suma: £250), else
  `DEFAULT_MINIMUM_ORDER` (£150): interest does not record minimums.
- Expected spend with each named supplier is the person's "about how much per order"
  (`DEFAULT_SPEND`, £30, when they left it empty): a person ends up in one group with one
  supplier, so the whole amount counts towards that one.
- Pickup hosts are people who said they could host; reach is their `travel_km`.
- Groups have `MIN_SIZE` (5) to `MAX_SIZE` (16) members, as the spec's example.
- A suggestion with the same members and supplier as an open or expired one is not stored again.
- The place named is the most populous town or village within 5 km of the pickup (the offline
  gazetteer), else the nearest one, else the pickup's postcode district.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.geo import gazetteer
from coopbuy.core.geo.distance import distance_km
from coopbuy.core.matching import Group, MatchProblem, Person, Supplier, match
from coopbuy.errors import UserFacingError
from coopbuy.interest.models import Interest, SuggestedMember, Suggestion
from coopbuy.outbox.services import Email, outbox_enqueue_many

logger = logging.getLogger(__name__)

MIN_SIZE = 5
MAX_SIZE = 16
MINIMUM_ORDER = {"suma": Decimal("250.00"), "infinity foods": Decimal("250.00")}
DEFAULT_MINIMUM_ORDER = Decimal("150.00")
DEFAULT_SPEND = Decimal("30.00")
PLACE_KM = 5.0
TIME_LIMIT = 20.0

State = SuggestedMember.State


class SuggestionError(UserFacingError):
    pass


@dataclass(frozen=True)
class RefreshResult:
    people: int  # considered
    created: list[Suggestion]
    placed: int  # in the engine's answer (created or already open)
    expired: int = 0  # open suggestions past their time, marked expired first


def lifetime() -> timedelta:
    """How long an open suggestion waits for an answer (`COOPBUY_SUGGESTION_DAYS`)."""
    return timedelta(days=settings.COOPBUY_SUGGESTION_DAYS)


def is_expired(suggestion: Suggestion, now: datetime | None = None) -> bool:
    """Expired, or open past its time (before `suggestions_expire` has marked it)."""
    if suggestion.status == Suggestion.Status.EXPIRED:
        return True
    return suggestion.status == Suggestion.Status.OPEN and suggestion.expires_at <= (
        now or timezone.now()
    )


def status_of(suggestion: Suggestion, now: datetime | None = None) -> str:
    """open, started or expired, as people see it."""
    return Suggestion.Status.EXPIRED if is_expired(suggestion, now) else suggestion.status


def expired_error() -> SuggestionError:
    return SuggestionError(
        _(
            "This suggestion has expired: nobody answered it for %(days)d days. "
            "We will propose you a group again when we find one."
        )
        % {"days": settings.COOPBUY_SUGGESTION_DAYS},
        field="suggestion",
    )


@transaction.atomic
def suggestions_expire(*, now: datetime | None = None) -> int:
    """Mark every open suggestion past its time expired; returns how many."""
    now = now or timezone.now()
    due = Suggestion.objects.filter(status=Suggestion.Status.OPEN, expires_at__lte=now)
    ids = list(due.select_for_update().order_by("pk").values_list("pk", flat=True))
    if ids:
        Suggestion.objects.filter(pk__in=ids).update(status=Suggestion.Status.EXPIRED)
        logger.info("Expired %d suggestions nobody answered", len(ids))
    return len(ids)


def minimum_order(supplier: str) -> Decimal:
    return MINIMUM_ORDER.get(supplier.strip().casefold(), DEFAULT_MINIMUM_ORDER)


def _candidates() -> list[Interest]:
    busy = SuggestedMember.objects.filter(
        suggestion__status__in=[Suggestion.Status.OPEN, Suggestion.Status.STARTED]
    ).exclude(state=State.DECLINED)
    # In one filter() call both conditions apply to the same membership row: an active one.
    in_a_group = User.objects.filter(
        memberships__pk__isnull=False, memberships__ended_at__isnull=True
    ).values("pk")
    return list(
        Interest.objects.filter(user__is_active=True)
        .filter(Q(another_group=True) | ~Q(user__in=in_a_group))
        .exclude(user__in=busy.values("user"))
        .exclude(suppliers=[])
        .select_related("user")
        .order_by("user_id")
        .distinct()
    )


def _problem(interests: list[Interest]) -> tuple[MatchProblem, dict[str, str]]:
    names: dict[str, str] = {}  # supplier id (folded) -> the first spelling seen
    people = []
    for interest in interests:
        spend = interest.spend_per_round or DEFAULT_SPEND
        wants = {}
        for name in interest.suppliers:
            key = name.strip().casefold()
            names.setdefault(key, name.strip())
            wants[key] = spend
        people.append(
            Person(
                id=str(interest.user_id),
                lat=interest.latitude,
                lon=interest.longitude,
                max_km=Decimal(interest.travel_km),
                host=interest.can_host_pickup,
                wants=wants,
            )
        )
    suppliers = tuple(Supplier(id=key, min_order_value=minimum_order(key)) for key in sorted(names))
    problem = MatchProblem(
        min_size=MIN_SIZE, max_size=MAX_SIZE, suppliers=suppliers, people=tuple(people)
    )
    return problem, names


def place_near(latitude: float, longitude: float, district: str) -> str:
    """The most populous place within PLACE_KM, else the nearest, else the postcode district."""
    best: tuple[float, float, str] | None = None  # (-population if near else inf, km, name)
    for found in gazetteer.places().values():
        for place in found:
            km = distance_km(latitude, longitude, place.latitude, place.longitude)
            if km > 30:
                continue
            rank = (-float(place.population) if km <= PLACE_KM else float("inf"), km, place.name)
            if best is None or rank < best:
                best = rank
    return best[2] if best is not None else district


def _what(interests: list[Interest]) -> str:
    categories = Counter(c.strip().lower() for i in interests for c in i.categories if c.strip())
    what = categories.most_common(1)[0][0] if categories else _("the same supplier's goods")
    organic = sum(1 for i in interests if "organic" in i.products.lower())
    if organic * 2 > len(interests) and "organic" not in what:
        what = f"organic {what}"
    return what[:80]


def suggestions_refresh(
    *, time_limit: float = TIME_LIMIT, now: datetime | None = None
) -> RefreshResult:
    """Expire what nobody answered, then match the people with interest and no group (or
    looking for another); store and announce new suggestions."""
    expired = suggestions_expire(now=now)
    interests = _candidates()
    problem, names = _problem(interests)
    if not problem.people or not problem.suppliers:
        return RefreshResult(people=len(interests), created=[], placed=0, expired=expired)
    result = match(problem, time_limit=time_limit)  # outside any transaction: it may take time
    by_user = {str(i.user_id): i for i in interests}
    created = []
    for group in result.groups:
        members = [by_user[m] for m in group.members]
        with transaction.atomic():
            suggestion = _store(group.supplier, names[group.supplier], group, members, by_user)
        if suggestion is not None:
            created.append(suggestion)
    logger.info(
        "Suggested %d new groups for %d people (%d placed)",
        len(created),
        len(interests),
        result.objective.placed,
    )
    return RefreshResult(
        people=len(interests), created=created, placed=result.objective.placed, expired=expired
    )


def _store(
    key: str, supplier: str, group: Group, members: list[Interest], by_user: dict[str, Interest]
) -> Suggestion | None:
    members_key = ",".join(str(i.user_id) for i in sorted(members, key=lambda i: i.user_id))
    if Suggestion.objects.filter(
        status__in=[Suggestion.Status.OPEN, Suggestion.Status.EXPIRED],
        supplier=supplier,
        members_key=members_key,
    ).exists():
        return None  # already proposed, or proposed and left unanswered: not again unchanged
    host = by_user[group.pickup]
    suggestion = Suggestion.objects.create(
        supplier=supplier,
        what=_what(members),
        place=place_near(float(host.latitude), float(host.longitude), host.area)[:80],
        host=host.user,
        expected_order_value=group.expected_order_value,
        min_order_value=minimum_order(key),
        min_size=MIN_SIZE,
        members_key=members_key,
    )  # expires_at: COOPBUY_SUGGESTION_DAYS from now (the field's default)
    SuggestedMember.objects.bulk_create(
        SuggestedMember(suggestion=suggestion, user=i.user) for i in members
    )
    for interest in members:
        audit_record(
            action="suggestion.proposed",
            summary=_("%(user)s was proposed a group buying from %(supplier)s")
            % {"user": interest.user.name, "supplier": supplier},
            actor=None,
            subject=interest.user,
            data={"suggestion": suggestion.pk},
        )
    outbox_enqueue_many([_email(suggestion, i.user) for i in members])
    return suggestion


def headline(suggestion: Suggestion, count: int | None = None) -> str:
    """ "9 households around Hebden Bridge want organic dry goods: together you would reach
    Suma's minimum order of £250"."""
    n = suggestion.members.count() if count is None else count
    minimum = suggestion.min_order_value
    shown = f"{minimum:.0f}" if minimum == minimum.to_integral_value() else f"{minimum:.2f}"
    return _(
        "%(n)d households around %(place)s want %(what)s: together you would reach "
        "%(supplier)s's minimum order of £%(minimum)s"
    ) % {
        "n": n,
        "place": suggestion.place,
        "what": suggestion.what,
        "supplier": suggestion.supplier,
        "minimum": shown,
    }


def _email(suggestion: Suggestion, user: User) -> Email:
    with override(user.language):
        context = {
            "user": user,
            "suggestion": suggestion,
            "headline": headline(suggestion),
            "url": f"{settings.SITE_URL}{reverse('interest:mine')}",
        }
        return Email(
            to=[user.email],
            subject=render_to_string("interest/email/suggestion_subject.txt", context).strip(),
            body=render_to_string("interest/email/suggestion.txt", context),
        )


# Access and answers ----------------------------------------------------------------------------


def suggestions_for(*, user: User) -> QuerySet[Suggestion]:
    """The suggestions `user` was proposed in, newest first."""
    return Suggestion.objects.filter(members__user=user).prefetch_related("members__user")


def suggested_member_for(*, suggestion_id: int, user: User, lock: bool = False) -> SuggestedMember:
    """`user`'s place in a suggestion; not found (never forbidden) for anyone not proposed."""
    rows = SuggestedMember.objects.filter(suggestion_id=suggestion_id, user=user)
    if lock:
        rows = rows.select_for_update()
    found = rows.select_related("suggestion").first()
    if found is None:
        raise Suggestion.DoesNotExist(_("You were not proposed for this group."))
    return found


def accepted_count(suggestion: Suggestion) -> int:
    return suggestion.members.filter(state=State.ACCEPTED).count()


def starter(suggestion: Suggestion) -> User | None:
    """Who may start it: the host once they accepted, else the first to accept."""
    accepted = suggestion.members.filter(state=State.ACCEPTED).order_by("decided_at", "pk")
    if suggestion.host_id is not None:
        host = accepted.filter(user_id=suggestion.host_id).select_related("user").first()
        if host is not None:
            return host.user
    first = accepted.select_related("user").first()
    return first.user if first is not None else None


def would_start(suggestion: Suggestion, user: User, now: datetime | None = None) -> bool:
    """Could `user` start it now, accepting first if they have not (one click)?

    Open and not past its time; with their own acceptance at least `min_size` accepted; and they
    are the host, or the host has not accepted and nobody accepted before them.
    """
    if suggestion.status != Suggestion.Status.OPEN or is_expired(suggestion, now):
        return False
    members = list(suggestion.members.all())
    mine = next((m for m in members if m.user_id == user.pk), None)
    if mine is None:
        return False
    accepted = [m for m in members if m.state == State.ACCEPTED]
    if mine.state != State.ACCEPTED:
        accepted.append(mine)  # they would accept now: the last to do so
    if len(accepted) < suggestion.min_size:
        return False
    if suggestion.host_id is not None and any(m.user_id == suggestion.host_id for m in accepted):
        return suggestion.host_id == user.pk
    # Else the first to accept (`starter`); accepting now would make them the last.
    now = now or timezone.now()
    first = min(
        accepted,
        key=lambda m: (m.decided_at if m.state == State.ACCEPTED and m.decided_at else now, m.pk),
    )
    return first.user_id == user.pk


def _answer(*, suggestion_id: int, user: User, state: str) -> SuggestedMember:
    Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    member = suggested_member_for(suggestion_id=suggestion_id, user=user, lock=True)
    if is_expired(member.suggestion):
        raise expired_error()
    if member.suggestion.status != Suggestion.Status.OPEN:
        raise SuggestionError(
            _("This suggestion is %(status)s: it can no longer be answered.")
            % {"status": member.suggestion.get_status_display().lower()},
            field="suggestion",
        )
    if member.state != state:
        member.state = state
        member.decided_at = timezone.now()
        member.save(update_fields=["state", "decided_at"])
        # An answer is activity: the suggestion waits its whole time again for the others.
        Suggestion.objects.filter(pk=suggestion_id).update(
            expires_at=member.decided_at + lifetime()
        )
        audit_record(
            action=f"suggestion.{state}",
            summary=_("%(user)s %(state)s the suggested group buying from %(supplier)s")
            % {
                "user": user.name,
                "state": State(state).label.lower(),
                "supplier": member.suggestion.supplier,
            },
            actor=user,
            subject=user,
            data={"suggestion": suggestion_id},
        )
    return member


@transaction.atomic
def suggestion_accept(*, suggestion_id: int, user: User) -> SuggestedMember:
    """I would join this group (I can change my mind while it is open)."""
    return _answer(suggestion_id=suggestion_id, user=user, state=State.ACCEPTED)


@transaction.atomic
def suggestion_decline(*, suggestion_id: int, user: User) -> SuggestedMember:
    """Not for me; I may be proposed in another group at the next refresh."""
    return _answer(suggestion_id=suggestion_id, user=user, state=State.DECLINED)
