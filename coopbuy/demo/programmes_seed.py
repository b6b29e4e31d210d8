"""An employer programme: Calder Mills Ltd and its staff buying group, through the services.

Calder Mills Ltd (`calder-mills`) claims and confirms caldermills.example; its programme "Calder
Mills staff buying group" runs the private group `calder-mills-staff` (the subsidies' seed finds
it by this slug), coordinated by an employee the HR admin named (the admin has no role in the
group). Nine employees join by work email (the link the email carries, opened as they would),
a friend of one joins with the code as friends and family, and the reception at Dean Clough is
the Thursday pickup point; Joanne Greenwood keeps the group's money (treasurer). Idempotent:
each piece is looked up first.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from coopbuy.accounts.models import User
from coopbuy.accounts.services import profile_update
from coopbuy.groups.memberships import membership_change_role
from coopbuy.groups.models import Membership
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.services import organisation_create
from coopbuy.programmes import claims, enrolment, services
from coopbuy.programmes.models import DomainClaim, Enrolment, JoinCode, PickupPoint

ORGANISATION_SLUG = "calder-mills"
DOMAIN = "caldermills.example"
GROUP_SLUG = "calder-mills-staff"
PROGRAMME_NAME = "Calder Mills staff buying group"
ADMIN = ("Helen Sutcliffe", "helen.sutcliffe@caldermills.example")
COORDINATOR = ("Ruth Ackroyd", "ruth.ackroyd@caldermills.example")
EMPLOYEES = [
    "Imran Hussain", "Joanne Greenwood", "Dev Mistry", "Siobhan Kelly", "Gareth Pickles",
    "Amira Haddad", "Stuart Brearley", "Nadia Kowalczyk", "Liam Crowther",
]  # fmt: skip
FRIEND = ("Tom Sutcliffe", "tom.sutcliffe@example.org")
TREASURER = EMPLOYEES[1]
HOMES = ("HX1 1", "HX1 2", "HX3 5", "HX2 0", "HX3 0", "HX6 1", "HX2 9")  # around Halifax


def _homes(programme: Programme) -> None:
    """Each member without a home place gets one near Halifax (the directory needs it)."""
    members = Membership.objects.filter(group=programme.group, user__home_place="").select_related(
        "user"
    )
    for index, membership in enumerate(members.order_by("pk")):
        user = membership.user
        profile_update(
            user=user,
            display_name=user.display_name,
            home_place=HOMES[index % len(HOMES)],
            home_latitude=None,
            home_longitude=None,
            language=user.language,
        )


def _user(name: str, email: str, password_hash: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email, None, display_name=name)
    user.password = password_hash
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{DOMAIN}"


def _organisation(admin: User) -> Organisation:
    organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            creator=admin,
            name="Calder Mills Ltd",
            slug=ORGANISATION_SLUG,
            kind=Organisation.Kind.EMPLOYER,
            description=(
                "Textile finishing at Dean Clough, Halifax, since 1923: 140 staff on two shifts. "
                "Our staff buying group orders wholefoods together and collects at reception."
            ),
        )
    claim = DomainClaim.objects.filter(organisation=organisation, domain=DOMAIN).first()
    if claim is None:
        claim = claims.domain_claim_create(
            organisation=organisation, actor=admin, domain=DOMAIN, proof_email=f"hr@{DOMAIN}"
        )
    if claim.confirmed_at is None:
        claims.domain_claim_confirm(token=claims.claim_token(claim))
    return organisation


def seed_programmes(*, password_hash: str) -> tuple[int, list[tuple[str, str]]]:
    """Returns how many people were added and the logins to print."""
    added = 0
    admin, created = _user(*ADMIN, password_hash)
    added += created
    coordinator, created = _user(*COORDINATOR, password_hash)
    added += created
    organisation = _organisation(admin)
    programme = Programme.objects.filter(group__slug=GROUP_SLUG).first()
    if programme is None:
        programme = services.programme_create(
            organisation=organisation,
            actor=admin,
            name=PROGRAMME_NAME,
            coordinator=coordinator,
            group_name="Calder Mills staff",
            group_slug=GROUP_SLUG,
            allows_friends_and_family=True,
        )
    if not PickupPoint.objects.filter(programme=programme).exists():
        services.pickup_point_add(
            programme=programme,
            actor=admin,
            name="Reception",
            address="Reception, Dean Clough, Halifax HX3 5AX",
            delivery_days=["thu"],
            notes="Boxes wait in the post room behind reception until 6 pm; ask at the desk.",
        )
    for name, email in [(COORDINATOR[0], COORDINATOR[1]), *((n, _email(n)) for n in EMPLOYEES)]:
        person, created = _user(name, email, password_hash)
        added += created
        if not Enrolment.objects.filter(programme=programme, user=person).exists():
            token = enrolment.verification_token(programme=programme, user=person, email=email)
            enrolment.enrolment_verify(token=token, user=person)
    friend, created = _user(*FRIEND, password_hash)
    added += created
    if not Enrolment.objects.filter(programme=programme, user=friend).exists():
        enrolment.enrolment_by_code(
            programme=programme,
            user=friend,
            code=JoinCode.objects.get(programme=programme).code,
            friends_and_family=True,
        )
    treasurer = Membership.objects.get(group=programme.group, user__email=_email(TREASURER))
    if treasurer.role != Membership.Role.TREASURER:
        membership_change_role(membership=treasurer, actor=coordinator, role="treasurer")
    _homes(programme)
    logins = [
        (admin.email, "HR admin of Calder Mills Ltd: programme dashboard (no member's data)"),
        (coordinator.email, "coordinator of the Calder Mills staff buying group"),
        (_email(EMPLOYEES[0]), "employee, joined Calder Mills staff by work email"),
    ]
    return added, logins
