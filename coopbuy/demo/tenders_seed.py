"""A tender of the Pennine Food federation, awarded and confirmed, with members' savings to show.

In the federation `pennine-food` (made here, with the three demo groups as members, if another
seed has not made it): a tender for Hebden Bridge's usual basket, its items filled from the
groups' last rounds (pooled demand, the top eight by quantity), three invited wholesalers, each
with a supplier user, and three bids; then the deadline is moved into the past, the award run by
the tender contract, and confirmed, so the ranking, the new catalogue (shared with the
federation) and every member's expected saving are there to see. Idempotent: the federation is
found by its slug, the tender by its title, suppliers and people by name and email.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier, SupplierUser
from coopbuy.catalog.services import supplier_create
from coopbuy.catalog.supplier_users import supplier_invitation_accept, supplier_invitation_create
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.federations.permissions import coordinated_member_groups
from coopbuy.federations.services import federation_create
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.rounds.models import RoundProduct
from coopbuy.tenders import services
from coopbuy.tenders.bidding import BidInput, LineInput, bid_submit
from coopbuy.tenders.confirmation import tender_confirm
from coopbuy.tenders.demand import DemandFilter, tender_prefill
from coopbuy.tenders.models import Tender

from .people import GROUPS

SLUG = "pennine-food"
TITLE = "Pennine Food: wholefoods basket 2027"
#: name, email of its salesperson, price as a share of last round's, tier share from 2 cases,
#: delivery fee, minimum order, organic and local scores.
BIDDERS = (
    ("Calder Wholesale", "bids@calder.example.org", "0.90", "0.85", "45.00", "150", "0.6", "0.9"),
    ("Northern Organic", "bids@northern.example.org", "0.93", "0.90", "30.00", "0", "1", "0.4"),
    ("Value Foods Direct", "bids@valuefoods.example.org", "0.86", "0.86", "95.00", "400", "0", "0"),
)  # fmt: skip
CENT = Decimal("0.01")
TENDER_LOGIN = "bids@calder.example.org"


def _federation(coordinator: User, groups: list[BuyingGroup]) -> Federation:
    federation = Federation.objects.filter(slug=SLUG).first()
    if federation is None:
        federation = federation_create(
            creator=coordinator,
            name="Pennine Food",
            slug=SLUG,
            description="Buying groups of the Pennines and beyond, pooling orders.",
        )
    for group in groups:
        if not FederationGroup.objects.filter(
            federation=federation, group=group, status__in=["applied", "member"]
        ).exists():
            FederationGroup.objects.create(
                federation=federation, group=group, status=FederationGroup.Status.MEMBER,
                decided_at=timezone.now(), decided_by=coordinator,
            )  # fmt: skip
    if not FederationRole.objects.filter(
        federation=federation, user=coordinator, role="coordinator", ended_at__isnull=True
    ).exists():  # the confirming coordinator keeps the catalogue in their own group
        FederationRole.objects.create(federation=federation, user=coordinator, role="coordinator")
    return federation


def _seller(group: BuyingGroup, actor: User, name: str, email: str, password_hash: str) -> Supplier:
    supplier = Supplier.objects.filter(group=group, name=name).first() or supplier_create(
        group=group, actor=actor, name=name, email=email, order_email=email
    )
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, display_name=f"{name} sales")
        user.password = password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if not SupplierUser.objects.filter(supplier=supplier, user=user, ended_at=None).exists():
        invitation = supplier_invitation_create(supplier=supplier, actor=actor, email=email)
        supplier_invitation_accept(code=invitation.code, user=user)
    return supplier


def seed_tenders(password_hash: str) -> list[tuple[str, str]]:
    """Returns the logins to print (none when the groups or their rounds are missing)."""
    groups = [g for g in (BuyingGroup.objects.filter(slug=s.slug).first() for s in GROUPS) if g]
    if not groups:
        return []
    hebden = groups[0]
    coordinator = (
        Membership.objects.active()
        .filter(group=hebden, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if coordinator is None:
        return []
    actor = coordinator.user
    federation = _federation(actor, groups)
    logins = [(actor.email, f"coordinator of the federation {federation.name}: /tenders/")]
    if Tender.objects.filter(federation=federation, title=TITLE).exists():
        return [*logins, (TENDER_LOGIN, "a supplier that won a tender: /tenders/")]
    if hebden not in coordinated_member_groups(federation=federation, user=actor):
        return logins
    tender = services.tender_create(
        actor=actor,
        federation=federation,
        fields=services.TenderFields(
            title=TITLE,
            deadline=timezone.now() + timedelta(hours=1),
            description="A year of dry goods for the federation's groups, delivered fortnightly.",
            delivery_points="Hebden Bridge Town Hall\nTotnes Civic Hall",
            delivery_from=(timezone.now() + timedelta(days=14)).date(),
            delivery_until=(timezone.now() + timedelta(days=380)).date(),
            split=Tender.Split.ITEM,
            criteria={"organic": "0.10", "local": "0.05"},
        ),
    )
    try:
        items = tender_prefill(tender=tender, actor=actor, spec=DemandFilter(rounds=3))
    except services.TenderError:
        return logins  # no finished round yet: nothing to pool
    last_price = {
        p.sku: p.unit_price
        for p in RoundProduct.objects.filter(round__group=hebden, sku__in=[i.code for i in items])
    }
    # The bidders price from what the groups last paid: items only pledged (a campaign's) go.
    priced = [i for i in items if i.code in last_price]
    keep = sorted(priced, key=lambda i: (-i.quantity, i.code))[:8]
    for item in items:
        if item not in keep:
            services.tender_item_delete(tender=tender, actor=actor, code=item.code)
    sellers = [_seller(hebden, actor, b[0], b[1], password_hash) for b in BIDDERS]
    for supplier in sellers:
        services.tender_invite(tender=tender, actor=actor, supplier=supplier)
    tender = services.tender_publish(tender=tender, actor=actor)
    for supplier, (_name, email, share, tier, fee, minimum, organic, local) in zip(
        sellers, BIDDERS, strict=True
    ):
        lines = []
        for n, item in enumerate(keep):
            base = last_price[item.code]
            price = (base * Decimal(share)).quantize(CENT, ROUND_HALF_UP)
            tiers: list[tuple[int, Decimal | str]] = [
                (2 * item.case_size, (base * Decimal(tier)).quantize(CENT, ROUND_HALF_UP))
            ]
            capacity = item.quantity // 2 if supplier == sellers[2] and n % 3 == 0 else None
            lines.append(LineInput(item.code, price, capacity, tiers if tier != share else []))
        bid_submit(
            tender=tender,
            supplier=supplier,
            actor=User.objects.get(email=email),
            data=BidInput(
                lines=lines, delivery_fee=fee, min_order_value=minimum,
                criteria={"organic": organic, "local": local},
                valid_until=(timezone.now() + timedelta(days=60)).date(),
            ),
        )  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    tender.refresh_from_db()
    tender = services.tender_award(tender=tender, actor=actor)
    tender_confirm(tender=tender, actor=actor, group=hebden)
    return [*logins, (TENDER_LOGIN, "a supplier that won a tender: /tenders/")]
