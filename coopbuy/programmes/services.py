"""Every write to programmes: starting or sponsoring one, its code, its pickup points.

One use case, one transaction, one audit row each. A programme's buying group is made through
`coopbuy.groups.services` with the coordinator the admin names: running the organisation gives no
role in the group, and naming oneself is an explicit, audited choice.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.errors import UserFacingError
from coopbuy.groups import services as group_services
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import require_coordinator
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.permissions import require_admin
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.programmes import emails
from coopbuy.programmes.models import WEEKDAYS, JoinCode, PickupPoint, SponsorshipOffer
from coopbuy.subsidies.models import SubsidyRule


class ProgrammeError(UserFacingError):
    pass


def _new_code() -> str:
    return secrets.token_urlsafe(9)  # 12 characters: letters, digits, - and _


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ProgrammeError(_("Give the programme a name."), field="name")
    return name[:120]


def _start(
    *,
    organisation: Organisation,
    group: BuyingGroup,
    name: str,
    allows_friends_and_family: bool,
) -> Programme:
    if Programme.objects.filter(group=group).exists():
        raise ProgrammeError(
            _("%(group)s already belongs to a programme.") % {"group": group.name}, field="group"
        )
    programme = Programme.objects.create(
        organisation=organisation,
        group=group,
        name=name,
        allows_friends_and_family=allows_friends_and_family,
    )
    JoinCode.objects.create(programme=programme, code=_new_code())
    return programme


@transaction.atomic
def programme_create(
    *,
    organisation: Organisation,
    actor: User,
    name: str,
    coordinator: User,
    group_name: str = "",
    group_slug: str = "",
    allows_friends_and_family: bool = False,
) -> Programme:
    """Start a programme and its own buying group, run by the coordinator the admin names.

    The group is private and takes members by invitation only: people come in through the
    programme (a verified work email or its code).
    """
    require_admin(organisation=organisation, user=actor)
    name = _check_name(name)
    group = group_services.group_create(
        creator=coordinator,
        name=group_name.strip() or name,
        slug=group_slug,
        description=_("The buying group of %(name)s's programme “%(programme)s”.")
        % {"name": organisation.name, "programme": name},
        visibility=BuyingGroup.Visibility.PRIVATE,
        join_policy=BuyingGroup.JoinPolicy.INVITATION,
    )
    programme = _start(
        organisation=organisation,
        group=group,
        name=name,
        allows_friends_and_family=allows_friends_and_family,
    )
    audit_record(
        action="programmes.created",
        summary=_("%(actor)s started the programme %(programme)s, naming %(coordinator)s its "
                  "group's coordinator")
        % {"actor": actor.name, "programme": name, "coordinator": coordinator.name},
        actor=actor,
        group=group,
        subject=coordinator,
        data={"organisation": organisation.pk, "programme": programme.pk,
              "coordinator": coordinator.pk},
    )  # fmt: skip
    return programme


@transaction.atomic
def sponsorship_offer(
    *,
    organisation: Organisation,
    actor: User,
    group: BuyingGroup,
    name: str,
    allows_friends_and_family: bool = False,
) -> SponsorshipOffer:
    """Offer to sponsor an existing group; it becomes a programme when a coordinator accepts."""
    require_admin(organisation=organisation, user=actor)
    name = _check_name(name)
    if Programme.objects.filter(group=group).exists():
        raise ProgrammeError(
            _("%(group)s already belongs to a programme.") % {"group": group.name}, field="group"
        )
    if SponsorshipOffer.objects.filter(group=group, status="pending").exists():
        raise ProgrammeError(
            _("%(group)s already has an offer waiting for an answer.") % {"group": group.name},
            field="group",
        )
    offer = SponsorshipOffer.objects.create(
        organisation=organisation,
        group=group,
        name=name,
        allows_friends_and_family=allows_friends_and_family,
        offered_by=actor,
    )
    outbox_enqueue_many(emails.sponsorship_offer_emails(offer))
    audit_record(
        action="programmes.sponsorship_offered",
        summary=_("%(actor)s offered %(group)s sponsorship by %(name)s")
        % {"actor": actor.name, "group": group.name, "name": organisation.name},
        actor=actor,
        group=group,
        data={"organisation": organisation.pk, "offer": offer.pk},
    )
    return offer


@transaction.atomic
def sponsorship_decide(*, offer: SponsorshipOffer, actor: User, accept: bool) -> Programme | None:
    """A coordinator of the group accepts (the programme starts) or declines the offer."""
    require_coordinator(group=offer.group, user=actor)
    offer = SponsorshipOffer.objects.select_for_update(no_key=True).get(pk=offer.pk)
    if offer.status != SponsorshipOffer.Status.PENDING:
        raise ProgrammeError(_("This offer has been answered already."))
    offer.status = "accepted" if accept else "declined"
    offer.decided_at, offer.decided_by = timezone.now(), actor
    offer.save(update_fields=["status", "decided_at", "decided_by"])
    programme = None
    if accept:
        programme = _start(
            organisation=offer.organisation,
            group=offer.group,
            name=offer.name,
            allows_friends_and_family=offer.allows_friends_and_family,
        )
    audit_record(
        action="programmes.sponsorship_accepted" if accept else "programmes.sponsorship_declined",
        summary=(_("%(actor)s accepted sponsorship by %(name)s") if accept
                 else _("%(actor)s declined sponsorship by %(name)s"))
        % {"actor": actor.name, "name": offer.organisation.name},
        actor=actor,
        group=offer.group,
        data={"offer": offer.pk, "programme": programme.pk if programme else None},
    )  # fmt: skip
    return programme


@transaction.atomic
def _running(programme: Programme) -> None:
    if programme.ended_at is not None:
        raise ProgrammeError(_("This programme has ended: it can no longer change."))


def programme_update(
    *, programme: Programme, actor: User, name: str, allows_friends_and_family: bool
) -> Programme:
    require_admin(organisation=programme.organisation, user=actor)
    _running(programme)
    programme.name = _check_name(name)
    programme.allows_friends_and_family = allows_friends_and_family
    programme.save(update_fields=["name", "allows_friends_and_family"])
    audit_record(
        action="programmes.updated",
        summary=_("%(actor)s changed the programme %(programme)s")
        % {"actor": actor.name, "programme": programme.name},
        actor=actor,
        group=programme.group,
        data={"programme": programme.pk, "friends_and_family": allows_friends_and_family},
    )
    return programme


@transaction.atomic
def join_code_renew(*, programme: Programme, actor: User) -> JoinCode:
    """A new invitation code; the old one stops working (people who joined stay)."""
    require_admin(organisation=programme.organisation, user=actor)
    _running(programme)
    join_code = JoinCode.objects.select_for_update(no_key=True).get(programme=programme)
    join_code.code, join_code.changed_at = _new_code(), timezone.now()
    join_code.save(update_fields=["code", "changed_at"])
    audit_record(
        action="programmes.code_renewed",
        summary=_("%(actor)s made a new invitation code for %(programme)s")
        % {"actor": actor.name, "programme": programme.name},
        actor=actor,
        group=programme.group,
        data={"programme": programme.pk},
    )
    return join_code


def _days(days: Sequence[str]) -> str:
    known = [code for code, _label in WEEKDAYS]
    chosen = [d for d in known if d in set(days)]
    if not chosen or len(chosen) != len(set(days)):
        raise ProgrammeError(_("Choose the days deliveries come."), field="delivery_days")
    return ",".join(chosen)


@transaction.atomic
def pickup_point_add(
    *,
    programme: Programme,
    actor: User,
    name: str,
    address: str,
    delivery_days: Sequence[str],
    notes: str = "",
) -> PickupPoint:
    require_admin(organisation=programme.organisation, user=actor)
    _running(programme)
    name, address = name.strip(), address.strip()
    if not name:
        raise ProgrammeError(_("Name the pickup point, e.g. Reception."), field="name")
    if not address:
        raise ProgrammeError(_("Give the pickup point's address."), field="address")
    point = PickupPoint.objects.create(
        programme=programme,
        name=name[:120],
        address=address[:300],
        delivery_days=_days(delivery_days),
        notes=notes.strip()[:1000],
    )
    audit_record(
        action="programmes.pickup_added",
        summary=_("%(actor)s added the pickup point %(point)s")
        % {"actor": actor.name, "point": point.name},
        actor=actor,
        group=programme.group,
        data={"programme": programme.pk, "pickup_point": point.pk},
    )
    return point


@transaction.atomic
def pickup_point_end(*, point: PickupPoint, actor: User) -> PickupPoint:
    require_admin(organisation=point.programme.organisation, user=actor)
    updated = PickupPoint.objects.filter(pk=point.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    point.refresh_from_db()
    if updated:
        audit_record(
            action="programmes.pickup_ended",
            summary=_("%(actor)s closed the pickup point %(point)s")
            % {"actor": actor.name, "point": point.name},
            actor=actor,
            group=point.programme.group,
            data={"pickup_point": point.pk},
        )
    return point


def active_coordinator(group: BuyingGroup) -> User | None:
    membership = (
        Membership.objects.active()
        .filter(group=group, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return None if membership is None else membership.user


@transaction.atomic
def programme_end(*, programme: Programme, actor: User, confirm: bool) -> Programme:
    """End a programme, once confirmed: no new enrolments, its subsidy rules end (rounds closed
    from now on get no subsidy; those closed before keep their postings), and every member of its
    group is told by email. Nothing is deleted: the group, enrolments, subsidies, payroll consents
    and runs stay, so the last month's payroll can still be exported and run.
    """
    require_admin(organisation=programme.organisation, user=actor)
    if not confirm:
        raise ProgrammeError(
            _("Confirm that you want to end the programme: this cannot be undone."),
            field="confirm",
        )
    programme = (
        Programme.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation", "group")
        .get(pk=programme.pk)
    )
    if programme.ended_at is not None:
        raise ProgrammeError(_("This programme has already ended."))
    now = timezone.now()
    programme.ended_at = now
    programme.save(update_fields=["ended_at"])
    rules = SubsidyRule.objects.filter(programme=programme, ended_at__isnull=True).update(
        ended_at=now
    )
    members = list(Membership.objects.active().filter(group=programme.group).select_related("user"))
    outbox_enqueue_many(emails.programme_ended_emails(programme, members))
    audit_record(
        action="programmes.ended",
        summary=_("%(actor)s ended the programme %(programme)s")
        % {"actor": actor.name, "programme": programme.name},
        actor=actor,
        group=programme.group,
        data={"programme": programme.pk, "rules_ended": rules, "members_told": len(members)},
    )
    return programme
