"""People beyond the groups' members: one supplier user and one organisation with its admin.

Through the services, idempotent: the supplier user is invited by Hebden Bridge's coordinator to
act for its first supplier (whose purchase orders the demo's past round sent) and accepts; the
organisation is started by its admin, claims its work-email domain (the confirmation email is
not answered yet) and offers to sponsor Hebden Bridge (the offer waits for the group's
coordinators' answer).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier, SupplierUser
from coopbuy.catalog.supplier_users import supplier_invitation_accept, supplier_invitation_create
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.services import organisation_create
from coopbuy.programmes.claims import domain_claim_create
from coopbuy.programmes.models import DomainClaim, SponsorshipOffer
from coopbuy.programmes.services import sponsorship_offer

SUPPLIER_USER_EMAIL = "sales.rep@example.org"
ORGANISATION_ADMIN_EMAIL = "people.team@example.org"
ORGANISATION_SLUG = "calder-valley-mills"
DOMAIN = "caldervalleymills.example"


def _user(email: str, name: str, password_hash: str) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email, None, display_name=name)
    user.password = password_hash
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


def seed_identities(*, group_slug: str, password_hash: str) -> tuple[int, list[tuple[str, str]]]:
    """Returns how many people were added and the logins to print."""
    added, logins = 0, []
    group = BuyingGroup.objects.filter(slug=group_slug).first()
    supplier = (
        Supplier.objects.filter(group=group).order_by("pk").first() if group is not None else None
    )
    if group is not None and supplier is not None:
        rep, created = _user(SUPPLIER_USER_EMAIL, "Sam Sales", password_hash)
        added += created
        if not SupplierUser.objects.filter(supplier=supplier, user=rep).exists():
            coordinator = (
                Membership.objects.active()
                .filter(group=group, role=Membership.Role.COORDINATOR)
                .order_by("pk")
                .first()
            )
            assert coordinator is not None
            invitation = supplier_invitation_create(
                supplier=supplier, actor=coordinator.user, email=rep.email
            )
            supplier_invitation_accept(code=invitation.code, user=rep)
        logins.append((rep.email, f"acts for the supplier {supplier.name} (My suppliers)"))
    runner, created = _user(ORGANISATION_ADMIN_EMAIL, "Priya Patel", password_hash)
    added += created
    organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            creator=runner,
            name="Calder Valley Mills",
            slug=ORGANISATION_SLUG,
            kind=Organisation.Kind.EMPLOYER,
            description="A worker-owned textile mill in Hebden Bridge.",
        )
    if not DomainClaim.objects.filter(organisation=organisation).exists():
        domain_claim_create(
            organisation=organisation, actor=runner, domain=DOMAIN, proof_email=f"it@{DOMAIN}"
        )
    if (
        group is not None
        and not SponsorshipOffer.objects.filter(organisation=organisation).exists()
    ):
        sponsorship_offer(
            organisation=organisation, actor=runner, group=group,
            name="Calder Valley Mills staff and neighbours", allows_friends_and_family=True,
        )  # fmt: skip
    logins.append(
        (
            runner.email,
            "admin of Calder Valley Mills (a domain claim and a sponsorship offer waiting)",
        )
    )
    return added, logins
