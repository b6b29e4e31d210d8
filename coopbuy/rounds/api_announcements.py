"""My round announcements from a group through the API, as the "Emails from this group" page:
"a round is open" and "closes in 24 hours", each on or off (members)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Schema
from pydantic import StrictBool

from coopbuy.api.auth import caller
from coopbuy.api.problems import problem_responses
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import group_for_member
from coopbuy.rounds.announcements import PREFERENCE_FIELD, announcement_preference_set, wants
from coopbuy.rounds.api_router import router


class AnnouncementsIn(Schema):
    round_open: StrictBool  # true or false, never 0 or "yes"
    round_closing: StrictBool


class AnnouncementsOut(Schema):
    round_open: bool
    round_closing: bool


def _mine(membership: Membership) -> AnnouncementsOut:
    chosen = {field: wants(membership, kind) for kind, field in PREFERENCE_FIELD.items()}
    return AnnouncementsOut(**chosen)


@router.get("/{slug:slug}/announcements", response={200: AnnouncementsOut, **problem_responses()})
def my_announcements(request: HttpRequest, slug: str) -> AnnouncementsOut:
    """Which round announcements I get from this group (both, when I never chose)."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    return _mine(membership)


@router.put("/{slug:slug}/announcements", response={200: AnnouncementsOut, **problem_responses()})
def set_my_announcements(
    request: HttpRequest, slug: str, payload: AnnouncementsIn
) -> AnnouncementsOut:
    """Choose which round announcements I get from this group; sending the same again changes
    nothing."""
    _group, membership = group_for_member(slug=slug, user=caller(request))
    announcement_preference_set(
        membership=membership, round_open=payload.round_open, round_closing=payload.round_closing
    )
    return _mine(membership)
