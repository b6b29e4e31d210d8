"""Team deals' money: the sale in the organisation's book, buyers' payments, undoing one, and
who still owes what, to the penny and reconciled with both books."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from coopbuy.accounts.models import User
from coopbuy.campaigns.services import campaign_settle
from coopbuy.groups.models import Membership
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account, Transaction
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.services import organisation_create
from coopbuy.teamdeals import selectors
from coopbuy.teamdeals.errors import DealError
from coopbuy.teamdeals.models import BuyerPayment, Team, TeamSale
from coopbuy.teamdeals.money import buyer_payment_record, buyer_payment_reverse
from coopbuy.teamdeals.services import deal_create, team_join, team_leave, team_start
from coopbuy.teamdeals.tests.factories import Shop, make_shop, veg_box
from coopbuy.testing.factories import make_user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shop() -> Shop:
    return make_shop()


def _books_clean() -> None:
    assert [r.problems for r in check_books() if r.problems] == []


def _org_balance(organisation: Organisation, kind: str) -> Decimal:
    account = Account.objects.filter(book__organisation=organisation, kind=kind).first()
    return account.balance if account is not None else D("0.00")


def _full_team(shop: Shop) -> tuple[Team, list[User]]:
    people = [make_user(n) for n in ("Ann", "Ben", "Cat", "Dan")]
    team = team_start(deal=shop.deal, user=people[0])
    for person in people[1:]:
        team_join(team=team, user=person)
    return team, people


def _pay(shop: Shop, user: User, amount: str, key: str, method: str = "bank") -> BuyerPayment:
    return buyer_payment_record(
        organisation=shop.organisation,
        actor=shop.admin,
        membership=shop.membership(user),
        amount=D(amount),
        method=method,
        idempotency_key=key,
        reference="FPS 1234",
    )


def test_a_full_team_posts_its_sale_into_the_organisations_book_once(shop: Shop) -> None:
    team, people = _full_team(shop)
    sale = TeamSale.objects.get(team=team)
    assert (sale.amount, sale.buyers) == (D("72.00"), 4)
    # the organisation's book: its customers owe it 72, its sales 72
    assert selectors.organisation_owed(shop.organisation) == D("72.00")
    assert _org_balance(shop.organisation, "fees") == D("72.00")
    # the group's payable to the organisation as its supplier is settled into the between-books
    supplier = Account.objects.get(supplier=shop.setup.supplier)
    assert supplier.balance == D("0.00")
    # settling again (the deadline task) posts nothing more
    campaign_settle(campaign=team.campaign, now=team.campaign.deadline)
    assert TeamSale.objects.count() == 1
    summary = selectors.money_summary(shop.organisation)
    assert (summary.sold, summary.received, summary.owed) == (D("72.00"), D("0.00"), D("72.00"))
    assert [(b.name, b.owes) for b in summary.buyers] == [
        (p.name, D("18.00")) for p in sorted(people, key=lambda p: p.name)
    ]
    _books_clean()


def test_a_team_that_ends_at_its_deadline_sells_at_the_price_reached(shop: Shop) -> None:
    ann, ben, cat = make_user("Ann"), make_user("Ben"), make_user("Cat")
    team = team_start(deal=shop.deal, user=ann)
    team_join(team=team, user=ben)
    team_join(team=team, user=cat)
    team_leave(team=team, user=cat)
    campaign_settle(campaign=team.campaign, now=team.campaign.deadline)
    assert TeamSale.objects.get(team=team).amount == D("44.00")
    assert selectors.organisation_owed(shop.organisation) == D("44.00")
    # an expired team sells nothing
    lone = team_start(deal=shop.deal, user=cat)
    campaign_settle(campaign=lone.campaign, now=lone.campaign.deadline)
    assert not TeamSale.objects.filter(team=lone).exists()
    _books_clean()


def test_payments_idempotent_reversible_and_reconciled(shop: Shop) -> None:
    _team, (ann, ben, _cat, _dan) = _full_team(shop)
    first = _pay(shop, ann, "18.00", "k-1")
    assert _pay(shop, ann, "18.00", "k-1").pk == first.pk  # the same key: the first payment
    with pytest.raises(DealError, match="other details"):
        _pay(shop, ann, "10.00", "k-1")
    _pay(shop, ben, "10.00", "k-2", method="cash")
    assert BuyerPayment.objects.count() == 2
    assert shop.balance(ann) == D("0.00") and shop.balance(ben) == D("-8.00")
    assert _org_balance(shop.organisation, "bank") == D("-18.00")  # 18 in the bank
    assert _org_balance(shop.organisation, "cash") == D("-10.00")
    summary = selectors.money_summary(shop.organisation)
    assert (summary.sold, summary.received, summary.owed) == (D("72.00"), D("28.00"), D("44.00"))
    assert selectors.organisation_owed(shop.organisation) == D("44.00")
    owing = {b.name: b.owes for b in summary.buyers}
    assert owing == {"Ben": D("8.00"), "Cat": D("18.00"), "Dan": D("18.00")}  # Ann has paid
    # what the organisation's book says it is owed is what the buyers owe, to the penny
    assert sum((b.owes - b.in_credit for b in summary.buyers), D("0")) == summary.owed

    before = Transaction.objects.count()
    buyer_payment_reverse(payment=first, actor=shop.admin, reason="bounced")
    assert Transaction.objects.count() == before + 2  # a counter-posting in each book
    assert shop.balance(ann) == D("-18.00")
    assert _org_balance(shop.organisation, "bank") == D("0.00")
    assert selectors.organisation_owed(shop.organisation) == D("62.00")
    first.refresh_from_db()
    assert first.reversed_at is not None and first.reversal_reason == "bounced"
    with pytest.raises(DealError, match="already been undone"):
        buyer_payment_reverse(payment=first, actor=shop.admin)
    _books_clean()


def test_a_buyer_may_pay_before_their_team_succeeds(shop: Shop) -> None:
    ann = make_user("Ann")
    team_start(deal=shop.deal, user=ann)  # 22.00 held
    _pay(shop, ann, "22.00", "early")
    [row] = selectors.buyer_balances(shop.organisation)
    assert (row.balance, row.held, row.owes, row.in_credit) == (
        D("22.00"), D("22.00"), D("0.00"), D("22.00"),
    )  # fmt: skip
    # the organisation holds the money before any sale: its book owes the group 22
    assert selectors.organisation_owed(shop.organisation) == D("-22.00")
    _books_clean()


@pytest.mark.parametrize(
    ("amount", "method", "reference", "field"),
    [
        ("0", "bank", "", "amount"),
        ("-5", "bank", "", "amount"),
        ("1.001", "bank", "", "amount"),
        ("100000", "bank", "", "amount"),
        ("5", "cheque", "", "method"),
        ("5", "bank", "x" * 121, "reference"),
    ],
)
def test_bad_payments_are_refused_naming_the_field_and_save_nothing(
    shop: Shop, amount: str, method: str, reference: str, field: str
) -> None:
    ann = make_user("Ann")
    team_start(deal=shop.deal, user=ann)
    before = Transaction.objects.count()
    with pytest.raises(DealError) as caught:
        buyer_payment_record(
            organisation=shop.organisation, actor=shop.admin, membership=shop.membership(ann),
            amount=D(amount), method=method, idempotency_key="k", reference=reference,
        )  # fmt: skip
    assert caught.value.field == field
    assert Transaction.objects.count() == before and not BuyerPayment.objects.exists()


def test_only_the_organisations_admin_records_and_only_its_buyers(shop: Shop) -> None:
    ann = make_user("Ann")
    team_start(deal=shop.deal, user=ann)
    with pytest.raises(PermissionDenied):
        buyer_payment_record(
            organisation=shop.organisation, actor=ann, membership=shop.membership(ann),
            amount=D("5.00"), method="bank", idempotency_key="k",
        )  # fmt: skip
    other = organisation_create(creator=make_user("Olga"), name="Other Shop", kind="retailer")
    deal = deal_create(organisation=other, actor=other.admins.get().user, data=veg_box())
    bob = make_user("Bob")
    team_start(deal=deal, user=bob)
    bobs = Membership.objects.get(group__deal_setup__organisation=other, user=bob)
    with pytest.raises(DealError) as caught:
        buyer_payment_record(
            organisation=shop.organisation, actor=shop.admin, membership=bobs,
            amount=D("5.00"), method="bank", idempotency_key="k",
        )  # fmt: skip
    assert caught.value.field == "buyer"
    assert not BuyerPayment.objects.exists()
