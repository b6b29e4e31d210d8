"""Calder Mills pays towards its staff's food: a funded subsidy, rules, a subsidised round, payroll.

Finds the programme of the group `calder-mills-staff` of the organisation `calder-mills` (the
programmes seed makes them); when they are missing, starts them here: the organisation (through
its service), the group with its staff (through the groups' services) and the `Programme` row.
Then, through the services people use: £500 into the fund (booked on the 1st of last month), the
rules "10 % of goods, at most £20 per employee per calendar month" and "the employer pays the
delivery fee", a closed round in which eight employees ordered (their subsidy posted at its
close), three employees' payroll consents, what they still owed from last month's paper order
sheet, and the payroll run for last month. Idempotent: everything is looked up first.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.utils import timezone

from coopbuy.accounts.models import User
from coopbuy.accounts.services import profile_update
from coopbuy.catalog.models import Product, Supplier
from coopbuy.catalog.services import product_save, supplier_create
from coopbuy.groups import invitations, memberships
from coopbuy.groups import services as groups
from coopbuy.groups.models import BuyingGroup, Invitation, Membership
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.organisations.services import organisation_create
from coopbuy.rounds.closing import round_close
from coopbuy.rounds.models import Round, RoundProduct
from coopbuy.rounds.services import basket_set, round_create, round_open
from coopbuy.subsidies.models import PayrollConsent, PayrollRun, SubsidyRule
from coopbuy.subsidies.payroll import consent_wording, payroll_consent_give, payroll_run_record
from coopbuy.subsidies.selectors import top_ups
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create

ORGANISATION_SLUG = "calder-mills"
GROUP_SLUG = "calder-mills-staff"
ADMIN_EMAIL = "hr@calder-mills.example"
ROUND_NAME = "Staff order, first week"
HOME_SECTOR = "HX7 8"  # near the mill, in Hebden Bridge
STAFF = [
    "Amira Shah", "Ben Holroyd", "Carys Lund", "Dev Mistry", "Elsie Booth", "Farid Naqvi",
    "Gwen Pickles", "Harry Sutcliffe", "Isla Greenwood",
]  # fmt: skip
PRODUCTS = [  # sku, name, unit price, case size
    ("CM-OAT", "Porridge oats, 1 kg", "1.80", 6),
    ("CM-LEN", "Red lentils, 2 kg", "4.20", 4),
    ("CM-OIL", "Rapeseed oil, 1 l", "3.10", 6),
    ("CM-TEA", "Fairtrade tea, 240 bags", "5.60", 6),
    ("CM-RCE", "Brown rice, 2 kg", "3.90", 4),
]
ORDERS = [  # per employee: units of each product (one case of each fills exactly)
    (2, 1, 1, 1, 0), (1, 1, 2, 0, 1), (1, 0, 1, 2, 1), (1, 1, 0, 1, 1),
    (1, 0, 1, 1, 0), (0, 1, 1, 1, 1), (0, 0, 0, 0, 0), (0, 0, 0, 0, 0),
]  # fmt: skip
OWED_LAST_MONTH = ["18.40", "9.75", "23.10"]  # the first three employees, who consent


def _user(name: str, password_hash: str) -> tuple[User, bool]:
    email = name.lower().replace(" ", ".") + "@calder-mills.example"
    if name == "HR":
        email = ADMIN_EMAIL
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email, None, display_name=name if name != "HR" else "Hana Ali")
    user.password = password_hash
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    profile_update(user=user, display_name=user.display_name, home_place=HOME_SECTOR,
                   home_latitude=None, home_longitude=None, language=user.language)  # fmt: skip
    return user, True


def _programme(password_hash: str) -> tuple[Programme, int]:
    """The programme of calder-mills-staff, started here if the programmes seed did not."""
    added = 0
    organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if organisation is None:
        admin, created = _user("HR", password_hash)
        added += created
        organisation = organisation_create(
            creator=admin, name="Calder Mills", slug=ORGANISATION_SLUG,
            kind=Organisation.Kind.EMPLOYER,
            description="A textile mill in the Calder valley; its staff buy food together.",
        )  # fmt: skip
    group = BuyingGroup.objects.filter(slug=GROUP_SLUG).first()
    if group is None:
        coordinator, created = _user(STAFF[0], password_hash)
        added += created
        group = groups.group_create(
            creator=coordinator, name="Calder Mills staff", slug=GROUP_SLUG,
            description="Calder Mills' staff order together; pickup at the gatehouse.",
            place="Hebden Bridge", visibility=BuyingGroup.Visibility.PRIVATE,
        )  # fmt: skip
    programme = Programme.objects.filter(group=group).first()
    if programme is None:
        programme = Programme.objects.create(
            organisation=organisation, group=group, name="Calder Mills staff food"
        )
    return programme, added


def _staff(group: BuyingGroup, password_hash: str) -> tuple[list[Membership], int]:
    """At least eight employees in the group, one of them its treasurer (added when missing)."""
    added = 0
    members = list(
        Membership.objects.active().filter(group=group).select_related("user").order_by("pk")
    )
    coordinator = next(m.user for m in members if m.role == Membership.Role.COORDINATOR)
    if len(members) < 9:
        link = Invitation.objects.filter(group=group, email="").first() or (
            invitations.invitation_create(
                group=group, actor=coordinator, role="member", days_valid=30
            )
        )
        for name in STAFF:
            user, created = _user(name, password_hash)
            added += created
            if not Membership.objects.active().filter(group=group, user=user).exists():
                invitations.invitation_accept(code=link.code, user=user)
        members = list(
            Membership.objects.active().filter(group=group).select_related("user").order_by("pk")
        )
    if not any(m.role == Membership.Role.TREASURER for m in members):
        treasurer = next(m for m in members if m.role == Membership.Role.MEMBER)
        memberships.membership_change_role(
            membership=treasurer, actor=coordinator, role=Membership.Role.TREASURER
        )
        treasurer.refresh_from_db()
    return members, added


def _round(group: BuyingGroup, members: list[Membership]) -> None:
    if Round.objects.filter(group=group, name=ROUND_NAME).exists():
        return
    coordinator = next(m.user for m in members if m.role == Membership.Role.COORDINATOR)
    supplier = Supplier.objects.filter(group=group, name="Valley Wholefoods").first()
    if supplier is None:
        supplier = supplier_create(
            group=group, actor=coordinator, name="Valley Wholefoods",
            order_email="orders@valley-wholefoods.example", delivery_fee=Decimal("6.00"),
        )  # fmt: skip
    for sku, name, price, case in PRODUCTS:
        if not Product.objects.filter(supplier=supplier, sku=sku).exists():
            product_save(supplier=supplier, actor=coordinator, sku=sku, name=name,
                         case_size=case, unit_price=Decimal(price))  # fmt: skip
    now = timezone.now()
    round = round_create(
        group=group, actor=coordinator, name=ROUND_NAME, suppliers=[supplier],
        opens_at=now - timedelta(days=3), closes_at=now + timedelta(hours=1),
    )  # fmt: skip
    round = round_open(round=round, actor=coordinator)
    products = dict(RoundProduct.objects.filter(round=round).values_list("product__sku", "pk"))
    minute = 0
    for membership, units in zip(members, ORDERS, strict=False):
        for (sku, *_rest), quantity in zip(PRODUCTS, units, strict=True):
            if quantity:
                minute += 7
                basket_set(round=round, user=membership.user, product_id=products[sku],
                           quantity=quantity, tolerance=1,
                           now=now + timedelta(seconds=minute))  # fmt: skip
    round_close(round=round, actor=coordinator)


def _payroll(programme: Programme, members: list[Membership], admin: User) -> None:
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    consenting = [m for m in members if m.role == Membership.Role.MEMBER][:3]
    for index, (membership, owed) in enumerate(zip(consenting, OWED_LAST_MONTH, strict=False)):
        post(
            group=programme.group, kind="adjustment", booked_on=last_month + timedelta(days=20),
            description="Last month's order, from the paper order sheet",
            legs=[(member_account(membership), -Decimal(owed)),
                  (system_account(programme.group, "adjustments"), Decimal(owed))],
            actor=None,
            idempotency_key=system_key(f"demo-calder-owed-{membership.pk}-{last_month:%Y-%m}"),
        )  # fmt: skip
        if not PayrollConsent.objects.filter(membership=membership).exists():
            payroll_consent_give(
                programme=programme, membership=membership, actor=membership.user,
                employee_reference=f"CM-{1041 + index * 7}",
                wording=consent_wording(programme), agree=True,
            )  # fmt: skip
    if not PayrollRun.objects.filter(programme=programme, month=last_month).exists():
        payroll_run_record(programme=programme, month=last_month, actor=admin)


def seed_subsidies(*, password_hash: str) -> tuple[int, list[tuple[str, str]]]:
    """Returns how many people were added and the logins to print."""
    programme, added = _programme(password_hash)
    organisation = programme.organisation
    admin = organisation.admins.filter(ended_at__isnull=True).order_by("pk").first()
    assert admin is not None
    members, more = _staff(programme.group, password_hash)
    added += more
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    if not top_ups(organisation=organisation):
        fund_top_up(organisation=organisation, amount=Decimal("500.00"), actor=admin.user,
                    idempotency_key="demo-fund-500", reference="BACS CALDER MILLS",
                    booked_on=last_month)  # fmt: skip
    if not SubsidyRule.objects.filter(programme=programme).exists():
        subsidy_rule_create(programme=programme, actor=admin.user, kind="goods_percent",
                            percent=Decimal("10"), monthly_cap=Decimal("20.00"),
                            active_from=last_month)  # fmt: skip
        subsidy_rule_create(programme=programme, actor=admin.user, kind="delivery",
                            active_from=last_month, covers="everyone")  # fmt: skip
    _round(programme.group, members)
    _payroll(programme, members, admin.user)
    employee = next(m for m in members if m.role == Membership.Role.MEMBER)
    return added, [
        (admin.user.email, f"admin of {organisation.name}: subsidy fund, statement, payroll"),
        (employee.user.email, f"employee in {programme.group.name}: subsidy, payroll consent"),
    ]
