"""Start a suggested group in one click (the suggestion lives in the interest area).

The host (once they accepted), else the first to accept, starts it when at least the
suggestion's `min_size` people accepted (starting accepts for the starter first, so the host's
"Accept and start" is one click; an expired suggestion cannot be started): a group named after
the place, at the pickup's postcode sector, with the starter as coordinator and the supplier
named in its description; everyone else proposed who has not declined is invited by email;
the suggestion is started.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.groups.invitations import invitation_create
from coopbuy.groups.models import BuyingGroup
from coopbuy.groups.services import group_create
from coopbuy.interest import suggestions
from coopbuy.interest.models import Interest, SuggestedMember, Suggestion


def _free_slug(name: str) -> str:
    base = slugify(name)[:54] or "group"
    slug, n = base, 1
    while BuyingGroup.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def suggestion_start(*, suggestion_id: int, user: User) -> BuyingGroup:
    """Create the group from an open suggestion and invite the others; one transaction."""
    Suggestion.objects.select_for_update(no_key=True).filter(pk=suggestion_id).first()
    member = suggestions.suggested_member_for(suggestion_id=suggestion_id, user=user)
    suggestion = member.suggestion
    if suggestions.is_expired(suggestion):
        raise suggestions.expired_error()
    if suggestion.status != Suggestion.Status.OPEN:
        raise suggestions.SuggestionError(
            _("This group was already started.")
            if suggestion.status == Suggestion.Status.STARTED
            else _("This suggestion has expired."),
            field="suggestion",
        )
    if member.state != SuggestedMember.State.ACCEPTED:
        # Starting is accepting: one click. Refused below, the acceptance is rolled back too.
        suggestions.suggestion_accept(suggestion_id=suggestion_id, user=user)
    accepted = suggestions.accepted_count(suggestion)
    if accepted < suggestion.min_size:
        raise suggestions.SuggestionError(
            _("%(n)d of %(min)d needed have accepted: the group can start when %(more)d more do.")
            % {"n": accepted, "min": suggestion.min_size, "more": suggestion.min_size - accepted},
            field="suggestion",
        )
    who = suggestions.starter(suggestion)
    if who is None or who.pk != user.pk:
        raise suggestions.SuggestionError(
            _("The person hosting the pickup (or the first to accept) starts the group."),
            field="suggestion",
        )
    others = (
        suggestion.members.exclude(user=user)
        .exclude(state=SuggestedMember.State.DECLINED)
        .select_related("user")
        .order_by("pk")
    )
    interest = Interest.objects.filter(user=user).first()
    name = _("%(place)s buying group") % {"place": suggestion.place}
    group = group_create(
        creator=user,
        name=name,
        slug=_free_slug(name),
        description=_("Buying %(what)s from %(supplier)s together.")
        % {"what": suggestion.what, "supplier": suggestion.supplier},
        place=interest.postcode if interest is not None else "",
        latitude=interest.latitude if interest is not None else None,
        longitude=interest.longitude if interest is not None else None,
        invited_user_ids=[other.user_id for other in others],
    )
    for other in others:
        invitation_create(group=group, actor=user, email=other.user.email)
    suggestion.status = Suggestion.Status.STARTED
    suggestion.group = group
    suggestion.save(update_fields=["status", "group"])
    audit_record(
        action="suggestion.started",
        summary=_("%(user)s started the suggested group") % {"user": user.name},
        actor=user,
        group=group,
        subject=user,
        data={"suggestion": suggestion.pk},
    )
    return group
