"""Joining a programme: by a verified work email, or with its invitation code.

A work email must be at a domain the programme's organisation has claimed and confirmed (or one of
its subdomains); the verification link is signed for the person, the programme and the address,
and lasts `VERIFY_DAYS`. A work address enrols one person per programme. Friends and family join
with the code, marked as such, only if the programme allows them.

The person joins the programme's group through the groups' services: a single-use invitation made
in the same transaction in the name of the group's coordinator (who agreed to run the group for
the programme), accepted at once; an existing member is enrolled without joining again.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.workdomains import DomainInvalid, domain_of_address
from coopbuy.errors import UserFacingError
from coopbuy.groups import invitations
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import membership_of
from coopbuy.organisations.models import Programme
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.programmes import emails
from coopbuy.programmes.claims import organisation_claim_for
from coopbuy.programmes.models import Enrolment, JoinCode
from coopbuy.programmes.services import active_coordinator

VERIFY_DAYS = 3
VERIFY_SALT = "coopbuy.programmes.work-email"
Via = Enrolment.Via


class EnrolmentError(UserFacingError):
    pass


def _open(programme: Programme) -> Programme:
    """Lock the programme (organisation level, before the group's rows) and check it runs."""
    programme = (
        Programme.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation", "group")
        .get(pk=programme.pk)
    )
    if programme.ended_at is not None:
        raise EnrolmentError(_("This programme has ended."))
    return programme


def _not_enrolled(programme: Programme, user: User) -> None:
    if Enrolment.objects.filter(programme=programme, user=user, ended_at__isnull=True).exists():
        raise EnrolmentError(_("You are already in %(programme)s.") % {"programme": programme.name})


def _work_address(programme: Programme, email: str) -> str:
    try:
        domain = domain_of_address(email)
    except DomainInvalid as error:
        raise EnrolmentError(_("Give your work email address."), field="email") from error
    if organisation_claim_for(organisation=programme.organisation, domain=domain) is None:
        raise EnrolmentError(
            _("%(domain)s is not one of %(name)s's work addresses. Use your work email, or "
              "join with the invitation code.")
            % {"domain": domain, "name": programme.organisation.name},
            field="email",
        )  # fmt: skip
    local = email.strip().rpartition("@")[0].lower()
    return f"{local}@{domain}"


def _address_taken(programme: Programme, email: str, user: User) -> bool:
    return Enrolment.objects.filter(programme=programme, email=email).exclude(user=user).exists()


@transaction.atomic
def enrolment_request(*, programme: Programme, user: User, email: str) -> str:
    """Send a verification link to a work address; returns the address it went to."""
    programme = _open(programme)
    _not_enrolled(programme, user)
    address = _work_address(programme, email)
    if _address_taken(programme, address, user):
        raise EnrolmentError(_("Someone has already joined with this address."), field="email")
    token = verification_token(programme=programme, user=user, email=address)
    outbox_enqueue_many([emails.work_email_verification(programme, address, token, VERIFY_DAYS)])
    audit_record(
        action="programmes.work_email_sent",
        summary=_("%(user)s asked to join %(programme)s by work email")
        % {"user": user.name, "programme": programme.name},
        actor=user,
        subject=user,
        data={"programme": programme.pk},
    )
    return address


def verification_token(*, programme: Programme, user: User, email: str) -> str:
    """The signed token of a work-email link (what the emailed link carries)."""
    return signing.dumps({"p": programme.pk, "u": user.pk, "e": email}, salt=VERIFY_SALT,
                         compress=True)  # fmt: skip


def verification_of(token: str) -> tuple[Programme, int, str]:
    """(programme, person's id, address) a verification link names, or `EnrolmentError`."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=timedelta(days=VERIFY_DAYS))
    except signing.SignatureExpired as error:
        raise EnrolmentError(_("This link has expired: ask for a new one.")) from error
    except signing.BadSignature as error:
        raise EnrolmentError(
            _("This link is not valid: check that you copied all of it.")
        ) from error
    programme = (
        Programme.objects.select_related("organisation", "group").filter(pk=data.get("p")).first()
    )
    if programme is None:
        raise EnrolmentError(_("This programme no longer exists."))
    return programme, int(data.get("u", 0)), str(data.get("e", ""))


def _join_group(programme: Programme, user: User) -> Membership:
    membership = membership_of(group=programme.group, user=user)
    if membership is not None:
        return membership
    coordinator = active_coordinator(programme.group)
    if coordinator is None:
        raise EnrolmentError(
            _("%(group)s has no coordinator just now; ask %(name)s.")
            % {"group": programme.group.name, "name": programme.organisation.name}
        )
    invitation = invitations.invitation_create(
        group=programme.group, actor=coordinator, days_valid=1, max_uses=1
    )
    return invitations.invitation_accept(code=invitation.code, user=user)


def _enrol(programme: Programme, user: User, via: str, email: str) -> Enrolment:
    membership = _join_group(programme, user)
    previous = Enrolment.objects.filter(programme=programme, user=user).first()
    try:
        with transaction.atomic():
            if previous is None:
                enrolment = Enrolment.objects.create(
                    programme=programme, user=user, via=via, email=email
                )
            else:  # came back after leaving: the same row, how they came in this time
                enrolment = previous
                enrolment.via, enrolment.email = via, email
                enrolment.verified_at, enrolment.ended_at = timezone.now(), None
                enrolment.save(update_fields=["via", "email", "verified_at", "ended_at"])
    except IntegrityError as error:
        raise EnrolmentError(_("Someone has already joined with this address.")) from error
    audit_record(
        action="programmes.enrolled",
        summary=_("%(user)s joined the programme %(programme)s (%(via)s)")
        % {"user": user.name, "programme": programme.name, "via": Via(via).label},
        actor=user,
        group=membership.group,
        subject=user,
        data={"programme": programme.pk, "enrolment": enrolment.pk, "via": via},
    )
    return enrolment


@transaction.atomic
def enrolment_verify(*, token: str, user: User) -> Enrolment:
    """The person opens their verification link, signed in: they join the programme's group."""
    programme, user_id, address = verification_of(token)
    if user_id != user.pk:
        raise EnrolmentError(
            _("This link was sent for another account: sign in as the person who asked.")
        )
    programme = _open(programme)
    _not_enrolled(programme, user)
    address = _work_address(programme, address)  # the claim may have been withdrawn since
    if _address_taken(programme, address, user):
        raise EnrolmentError(_("Someone has already joined with this address."))
    return _enrol(programme, user, Via.WORK_EMAIL, address)


@transaction.atomic
def enrolment_by_code(
    *, programme: Programme, user: User, code: str, friends_and_family: bool = False
) -> Enrolment:
    """Join with the programme's invitation code, as an employee or as friends and family."""
    programme = _open(programme)
    expected = JoinCode.objects.filter(programme=programme).values_list("code", flat=True).first()
    if not expected or not hmac.compare_digest(code.strip().encode(), expected.encode()):
        raise EnrolmentError(
            _("This code is not right: check it with your employer."), field="code"
        )
    if friends_and_family and not programme.allows_friends_and_family:
        raise EnrolmentError(
            _("%(programme)s is for staff only.") % {"programme": programme.name},
            field="friends_and_family",
        )
    _not_enrolled(programme, user)
    return _enrol(programme, user, Via.FRIENDS_FAMILY if friends_and_family else Via.CODE, "")
