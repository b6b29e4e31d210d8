"""The pages each person of the demo can reach, for the 375 px sweep (`test_every_page_on_a_phone`).

Worked out from the URL confs: a group's pages by the person's role in it (`group_pages`), then
whatever else the person holds (`elsewhere_pages`: a federation's role, a supplier to act for, an
organisation to run, team deals bought into, an employer programme joined), and the pages anyone
can open signed out (`signed_out_pages`). Pages that only answer a POST or that htmx loads into
another page (a round's basket, a team's progress panel, a group's "now" panel) are not visited.
"""

from __future__ import annotations

from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.campaigns.models import Campaign
from coopbuy.catalog.models import Product, Supplier, SupplierUser
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.ledger.models import Account, Transaction
from coopbuy.organisations.models import Organisation, OrganisationAdmin, Programme
from coopbuy.pooled.models import PooledRound
from coopbuy.programmes.claims import claim_token
from coopbuy.programmes.enrolment import verification_token
from coopbuy.programmes.models import DomainClaim, SponsorshipOffer
from coopbuy.rounds.announcements import unsubscribe_token
from coopbuy.rounds.models import Round, RoundAnnouncement
from coopbuy.teamdeals.models import BuyerPayment, Deal, Team
from coopbuy.tenders.models import Tender, TenderInvitation

# Pages about the caller only, the same for everyone signed in.
SIGNED_IN = ["/", "/groups/", "/groups/?where=HX7", "/groups/mine/", "/account/profile/",
             "/api/tokens/", "/campaigns/", "/interest/", "/deals/mine/", "/tenders/",
             "/organisations/", "/suppliers/mine/", "/federations/", "/groups/new/",
             "/organisations/new/", "/federations/new/"]  # fmt: skip


def _rounds(group: BuyingGroup) -> list[Round]:
    """The newest four rounds that are not drafts, and a pooled round's child (its drop)."""
    rounds = list(Round.objects.filter(group=group).exclude(status="draft")[:4])
    pooled = Round.objects.filter(group=group, pool__isnull=False).exclude(status="draft")
    return rounds + [r for r in pooled[:1] if r not in rounds]


def group_pages(membership: Membership) -> list[str]:
    group, role = membership.group, membership.role
    g = f"/g/{group.slug}"
    pages = [f"{g}/", f"{g}/members/", f"{g}/rounds/", f"{g}/suppliers/", f"{g}/money/",
             f"{g}/emails/", f"{g}/reports/", f"{g}/reports/me/", f"{g}/campaigns/"]  # fmt: skip
    for round in _rounds(group):
        pages += [f"{g}/rounds/{round.pk}/", f"{g}/rounds/{round.pk}/order/"]
        if role == "coordinator" and round.status != "open":
            pages += [
                f"{g}/rounds/{round.pk}/{p}/" for p in ("receive", "pick-lists", "collection")
            ]
        if role == "coordinator" and round.status == "open":
            pages += [f"{g}/rounds/{round.pk}/close/", f"{g}/rounds/{round.pk}/cancel/"]
    pages += [f"/c/{c.code}/" for c in Campaign.objects.filter(group=group).order_by("pk")[:2]]
    pages.append(f"/emails/stop/{_unsubscribe(membership)}/")
    for row in FederationGroup.objects.filter(group=group, status=FederationGroup.Status.MEMBER):
        f = f"/f/{row.federation.slug}"
        pages += [f"{f}/", f"{f}/roles/", f"{f}/suppliers/"]
    for tender in Tender.objects.filter(contracts__catalogue__group=group).distinct()[:1]:
        pages.append(f"/tenders/{tender.pk}/saving/")
    if role == "coordinator":
        offers = SponsorshipOffer.objects.filter(group=group, status="pending")
        pages += [f"{g}/sponsorship/{offer.pk}/" for offer in offers]
        pages += [f"{g}/invitations/", f"{g}/activity/", f"{g}/settings/", f"{g}/rounds/new/",
                  f"{g}/suppliers/new/", f"{g}/federations/", f"{g}/campaigns/new/",
                  f"/tenders/new/group/{group.slug}/"]  # fmt: skip
        for supplier in Supplier.objects.filter(group=group)[:3]:
            s = f"{g}/suppliers/{supplier.pk}"
            pages += [f"{s}/", f"{s}/import/"]
        acted_for = Supplier.objects.filter(group=group, users__isnull=False).first()
        if acted_for is not None:
            s = f"{g}/suppliers/{acted_for.pk}"
            pages += [f"{s}/edit/", f"{s}/people/", f"{s}/products/new/"]
            product = Product.objects.filter(supplier=acted_for).first()
            if product is not None:
                pages.append(f"{s}/products/{product.pk}/")
    if role in ("coordinator", "treasurer"):
        t = f"{g}/money/treasury"
        pages += [f"{t}/", f"{t}/top-up/", f"{t}/refund/", f"{t}/adjust/", f"{t}/transactions/",
                  f"{t}/settings/", f"{t}/suppliers/", f"{t}/statements/",
                  f"{t}/statements/review/", f"{g}/federations/"]  # fmt: skip
        for account in Account.objects.filter(group=group).exclude(kind="member")[:3]:
            pages.append(f"{g}/money/accounts/{account.pk}/")
        for row in FederationGroup.objects.filter(group=group, status="member"):
            pages.append(f"{g}/federations/{row.pk}/pay/")
        mistake = (
            Transaction.objects.filter(group=group, reverses__isnull=True, reversed_by__isnull=True)
            .order_by("pk")
            .first()
        )
        if mistake is not None:  # the confirmation page before a transaction is undone
            pages.append(f"{g}/money/treasury/transactions/{mistake.pk}/reverse/")
        member = Account.objects.filter(group=group, kind="member").order_by("pk").first()
        if member is not None:
            today = timezone.localdate()
            a = f"{g}/money/accounts/{member.pk}"
            pages += [f"{a}/", f"{a}/statements/{today.year}/{today.month}/"]
    if role == "coordinator":
        pages.append(f"{g}/money/treasury/write-off/")
    return list(dict.fromkeys(pages))


def _unsubscribe(membership: Membership) -> str:
    return unsubscribe_token(membership_id=membership.pk, kind=RoundAnnouncement.Kind.values[0])


def elsewhere_pages(user: User) -> list[str]:
    """The pages of what the person holds outside a buying group's own pages."""
    pages: list[str] = ["/"]
    for role in FederationRole.objects.filter(user=user, ended_at__isnull=True):
        pages += _federation_pages(role.federation, role.role)
    for row in SupplierUser.objects.filter(user=user, ended_at__isnull=True):
        pages += ["/suppliers/mine/", "/tenders/"]
        pages.append(f"/suppliers/{row.supplier_id}/orders/")
        for invitation in TenderInvitation.objects.filter(supplier_id=row.supplier_id):
            pages.append(f"/tenders/{invitation.tender_id}/bid/{row.supplier_id}/")
    for admin in OrganisationAdmin.objects.filter(user=user, ended_at__isnull=True):
        pages.append("/organisations/")
        pages += _organisation_pages(admin.organisation)
    for team in Team.objects.filter(campaign__pledges__user=user).distinct()[:2]:
        pages += [
            "/deals/mine/",
            f"/deals/{team.deal_id}/",
            f"/deals/{team.deal_id}/teams/{team.campaign.code}/",
        ]
    for programme in Programme.objects.filter(enrolments__user=user).distinct():
        o = f"/o/{programme.organisation.slug}"
        pages += [f"{o}/", f"{o}/programmes/{programme.pk}/"]
    return list(dict.fromkeys(pages))


def _federation_pages(federation: Federation, role: str) -> list[str]:
    f, p = f"/f/{federation.slug}", f"/federations/{federation.slug}/pooled"
    pages = ["/federations/", f"{f}/", f"{f}/money/", f"{p}/report/"]
    if role != FederationRole.Role.COORDINATOR:
        return pages
    pages += [f"{f}/applications/", f"{f}/roles/", f"{f}/suppliers/", f"{p}/",
              f"/tenders/new/federation/{federation.slug}/"]  # fmt: skip
    for pool in PooledRound.objects.filter(federation=federation).order_by("pk")[:2]:
        pages.append(f"{p}/{pool.pk}/")
        if pool.status != PooledRound.Status.OPEN and pool.status != PooledRound.Status.DRAFT:
            pages.append(f"{p}/{pool.pk}/receive/")
    for tender in Tender.objects.filter(federation=federation).order_by("pk")[:3]:
        pages.append(f"/tenders/{tender.pk}/")
    return pages


def _organisation_pages(organisation: Organisation) -> list[str]:
    o = f"/organisations/{organisation.slug}"
    pages = [f"{o}/", f"{o}/edit/", f"/o/{organisation.slug}/"]
    if organisation.kind == Organisation.Kind.EMPLOYER:
        pages += [f"{o}/domains/", f"{o}/programmes/", f"{o}/subsidy-fund/",
                  f"{o}/subsidy-statement/"]  # fmt: skip
    for programme in Programme.objects.filter(organisation=organisation).order_by("pk"):
        m = f"{o}/programmes/{programme.pk}"
        pages += [f"{m}/", f"{m}/dashboard/", f"{m}/end/", f"{m}/subsidy-rules/", f"{m}/payroll/"]
    deals = Deal.objects.filter(organisation=organisation).order_by("pk")
    if deals:
        pages += [f"{o}/deals/", f"{o}/deals/manage/", f"{o}/deals/new/", f"{o}/deals/money/"]
        payments = BuyerPayment.objects.filter(organisation=organisation, reversed_at__isnull=True)
        pages += [f"{o}/deals/payments/{p.pk}/undo/" for p in payments.order_by("pk")[:1]]
    for deal in deals:
        pages += [f"/deals/{deal.pk}/", f"/deals/{deal.pk}/edit/"]
        for team in Team.objects.filter(deal=deal).order_by("pk")[:3]:
            pages.append(f"/deals/{deal.pk}/teams/{team.campaign.code}/")
    return pages


def signed_out_pages() -> list[str]:
    pages = ["/", "/groups/", "/groups/?where=HX7", "/campaigns/", "/federations/",
             "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]  # fmt: skip
    pages += [f"/c/{c.code}/" for c in Campaign.objects.filter(team__isnull=True)[:1]]
    pages += [f"/f/{f.slug}/" for f in Federation.objects.order_by("pk")[:1]]
    for organisation in Organisation.objects.order_by("pk"):
        pages.append(f"/o/{organisation.slug}/")
        if Deal.objects.filter(organisation=organisation).exists():
            pages.append(f"/organisations/{organisation.slug}/deals/")
    for team in Team.objects.order_by("pk")[:3]:
        pages += [f"/deals/{team.deal_id}/", f"/deals/{team.deal_id}/teams/{team.campaign.code}/"]
    # Links people are sent: a group's shareable invitation, a domain claim's confirmation.
    pages += [f"/join/{i.code}/" for i in Invitation.objects.filter(email="").order_by("pk")[:1]]
    for claim in DomainClaim.objects.filter(confirmed_at__isnull=True).order_by("pk")[:1]:
        pages.append(f"/domains/confirm/{claim_token(claim)}/")
    return list(dict.fromkeys(pages))


def work_email_link(user: User) -> str:
    """The page the link in a work-email check leads to, as sent for `user` (not yet enrolled)."""
    programme = Programme.objects.exclude(enrolments__user=user).order_by("pk")[0]
    claim = DomainClaim.objects.filter(
        organisation=programme.organisation, confirmed_at__isnull=False
    ).order_by("pk")[0]
    email = f"{user.email.split('@')[0]}@{claim.domain}"
    return f"/enrol/{verification_token(programme=programme, user=user, email=email)}/"
