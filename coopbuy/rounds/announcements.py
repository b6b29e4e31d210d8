"""Round announcements: "a round is open" and "closes in 24 hours", to each active member, once.

"open" is written by `round_open` in its own transaction; "closing" by the reminder sweep
(`coopbuy announce_closing_rounds`, and a task scheduled for each round by `deadline.py`) for every
open round whose deadline is within `REMINDER_BEFORE` and that has been open at least that long
(a round opened a few hours before its close got the "open" email with the deadline already).
Each email is written with a `RoundAnnouncement` row (unique per round, member and kind) under
the round's lock, so a rerun, a second worker or a concurrent sweep sends nothing twice.

A member turns either kind off for one group (`AnnouncementPreference`) on the group's email page
or with the signed link in every announcement (no login: the link is the proof, so it carries
the membership and the kind, signed with the site's secret and a salt of its own).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.models import Membership
from coopbuy.outbox.services import Email, outbox_enqueue_many
from coopbuy.rounds.locking import lock_round
from coopbuy.rounds.models import AnnouncementPreference, DemandLine, Round, RoundAnnouncement
from coopbuy.rounds.ordering import summarise

Kind = RoundAnnouncement.Kind
REMINDER_BEFORE = timedelta(hours=24)
SALT = "coopbuy.rounds.announcements.unsubscribe"
PREFERENCE_FIELD: dict[str, str] = {Kind.OPEN: "round_open", Kind.CLOSING: "round_closing"}


@dataclass(frozen=True)
class BasketItem:
    name: str
    unit: str
    quantity: int


@dataclass(frozen=True)
class Basket:
    items: list[BasketItem]
    total: Decimal


def unsubscribe_token(*, membership_id: int, kind: str) -> str:
    return signing.dumps({"m": membership_id, "k": kind}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[Membership, str] | None:
    """The membership and kind a link stands for; None for a bad, tampered or stale link."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in PREFERENCE_FIELD:
        return None
    membership_id = data.get("m")
    if not isinstance(membership_id, int):
        return None
    membership = (
        Membership.objects.active().select_related("group", "user").filter(pk=membership_id).first()
    )
    if membership is None:
        return None
    return membership, str(data["k"])


def wants(membership: Membership, kind: str) -> bool:
    preference = AnnouncementPreference.objects.filter(membership=membership).first()
    return preference is None or bool(getattr(preference, PREFERENCE_FIELD[kind]))


@transaction.atomic
def announcement_preference_set(
    *, membership: Membership, round_open: bool, round_closing: bool
) -> AnnouncementPreference:
    """Which announcements the member gets from this group."""
    preference, _created = AnnouncementPreference.objects.update_or_create(
        membership=membership,
        defaults={"round_open": round_open, "round_closing": round_closing},
    )
    return preference


@transaction.atomic
def announcement_unsubscribe(*, membership: Membership, kind: str) -> AnnouncementPreference:
    """Turn one kind off for the membership (from the signed link); the other kind stays."""
    preference, _created = AnnouncementPreference.objects.select_for_update(
        no_key=True
    ).get_or_create(membership=membership)
    setattr(preference, PREFERENCE_FIELD[kind], False)
    preference.save()
    return preference


def _baskets(round: Round, membership_ids: list[int]) -> dict[int, Basket]:
    """Every listed member's basket in the round, in one query."""
    rows = (
        DemandLine.objects.filter(round=round, membership_id__in=membership_ids, quantity__gt=0)
        .values("membership_id", "product_id")
        .annotate(q=Sum("quantity"))
        .order_by("membership_id", "product__name", "product_id")
        .values_list(
            "membership_id",
            "product__name",
            "product__unit_description",
            "q",
            "product__supplier_id",
            "product__unit_price",
            "product__vat_rate",
            "product__deposit",
        )
    )
    items: dict[int, list[BasketItem]] = defaultdict(list)
    priced: dict[int, list[tuple[int, int, Decimal, Decimal, Decimal]]] = defaultdict(list)
    for mid, name, unit, q, sup, price, vat, deposit in rows:
        items[mid].append(BasketItem(name, unit, q))
        priced[mid].append((sup or 0, q, price, vat, deposit))
    return {mid: Basket(items[mid], summarise(round, priced[mid], None).total) for mid in items}


# Stands for a member's own link in a body rendered once for every member with an empty basket
# (most of them when a round opens): URL-safe, so escaping leaves it as it is.
LINK_MARK = "coopbuy-unsubscribe-link-mark"


class _Writer:
    """The kind's emails of one round: the subject and the empty-basket bodies rendered once."""

    def __init__(self, round: Round, kind: str) -> None:
        self.kind = kind
        group = round.group
        self.context: dict[str, object] = {
            "kind": kind,
            "round": round,
            "group": group,
            "closes_at": timezone.localtime(round.closes_at),
            "order_url": settings.SITE_URL + reverse("rounds:order", args=[group.slug, round.pk]),
            "preferences_url": settings.SITE_URL
            + reverse("rounds:announcement_settings", args=[group.slug]),
        }
        self.subject = render_to_string(
            "rounds/email/announcement_subject.txt", self.context
        ).strip()
        self.empty = self._bodies(None, LINK_MARK)

    def _bodies(self, basket: Basket | None, unsubscribe: str) -> tuple[str, str]:
        context = {**self.context, "basket": basket, "unsubscribe_url": unsubscribe}
        return (
            render_to_string("rounds/email/announcement.txt", context),
            render_to_string("rounds/email/announcement.html", context),
        )

    def email(self, membership: Membership, basket: Basket | None) -> Email:
        token = unsubscribe_token(membership_id=membership.pk, kind=self.kind)
        unsubscribe = settings.SITE_URL + reverse("rounds:unsubscribe", args=[token])
        if basket is None:
            body, html = (part.replace(LINK_MARK, unsubscribe) for part in self.empty)
        else:
            body, html = self._bodies(basket, unsubscribe)
        return Email(
            to=[membership.user.email],
            subject=self.subject,
            body=body,
            html=html,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def _announce(round: Round, kind: str) -> int:
    """Write the kind's email to every active member who wants it and has not had it; the
    caller holds the round's lock, so two runs cannot both find a member missing."""
    told = RoundAnnouncement.objects.filter(round=round, kind=kind).values("membership_id")
    off = {f"announcement_preference__{PREFERENCE_FIELD[kind]}": False}
    members = list(
        Membership.objects.active()
        .filter(group_id=round.group_id)
        .exclude(pk__in=told)
        .exclude(**off)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    if not members:
        return 0
    baskets = _baskets(round, [m.pk for m in members])
    now = timezone.now()
    RoundAnnouncement.objects.bulk_create(
        [RoundAnnouncement(round=round, membership=m, kind=kind, sent_at=now) for m in members]
    )
    writer = _Writer(round, kind)
    outbox_enqueue_many([writer.email(m, baskets.get(m.pk)) for m in members])
    return len(members)


def announce_round_open(*, round: Round) -> int:
    """Inside `round_open`'s transaction (the round locked): tell the members it is open."""
    return _announce(round, Kind.OPEN)


def reminder_due(round: Round, now: datetime) -> bool:
    if round.status != Round.Status.OPEN or not now < round.closes_at <= now + REMINDER_BEFORE:
        return False
    opened = round.opened_at or round.opens_at
    return opened <= round.closes_at - REMINDER_BEFORE


@transaction.atomic
def announce_closing(*, round_id: int, now: datetime | None = None) -> int:
    """Remind the members of one round that it closes within 24 hours, once each; 0 if not due."""
    round = Round.objects.filter(pk=round_id).first()
    if round is None:
        return 0
    round = lock_round(round)
    if not reminder_due(round, now or timezone.now()):
        return 0
    return _announce(round, Kind.CLOSING)


def announce_closing_rounds(*, now: datetime | None = None) -> int:
    """The sweep: every open round due a reminder, each in its own transaction."""
    now = now or timezone.now()
    due = Round.objects.filter(
        status=Round.Status.OPEN, closes_at__gt=now, closes_at__lte=now + REMINDER_BEFORE
    ).values_list("pk", flat=True)
    return sum(announce_closing(round_id=pk, now=now) for pk in list(due))
