"""The treasury through the API: accounts, bookings, reversals, settings, supplier money, documents.

The world (see conftest and access/ledger.py) already holds a top-up of 30.00 for group A's plain
member (`world.ids["transaction_id"]`) and their invoice for "Weekly order" (4.00).
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.api.tests.conftest import World
from coopbuy.catalog.models import Supplier
from coopbuy.groups.memberships import membership_leave
from coopbuy.ledger.documents import CSV_HEADER
from coopbuy.ledger.models import Account, Entry, LedgerSettings, SupplierInvoice, Transaction
from coopbuy.ledger.selectors import lines_to_review
from coopbuy.ledger.treasury import ledger_refund, ledger_top_up
from coopbuy.testing.factories import add_member
from coopbuy.tokens.services import token_create

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def url(world: World, path: str) -> str:
    return f"/api/v1/groups/{world.a.slug}{path}"


def post(client: Client, path: str, body: dict[str, Any], key: str | None = None) -> Response:
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type="application/json", **headers)


def balance(world: World, kind: str = "member") -> Decimal:
    if kind == "member":
        return Account.objects.get(membership=world.member_a).balance
    return Account.objects.get(group=world.a, kind=kind).balance


def fields(response: Response) -> list[str | None]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.fixture
def plain(world: World) -> Client:
    """The plain member (the one with the top-up and the invoice), with a read-write token."""
    user = world.member_a.user
    world.tokens["plain"] = token_create(user=user, name="plain", scope="read-write")[1]
    return world.client("plain")


# Accounts and the treasury -----------------------------------------------------------------------


def test_the_accounts_list_has_every_member_then_the_groups_own_accounts(world: World) -> None:
    response = world.client("treasurer").get(url(world, "/accounts?limit=100"))
    assert response.status_code == 200, response.content
    page = response.json()
    rows = page["items"]
    members = [row for row in rows if row["kind"] == "member"]
    assert len(members) == 4 and page["count"] == len(rows)  # 4 members, then bank and adjustments
    plain_row = next(row for row in members if row["membership_id"] == world.member_a.pk)
    assert plain_row == {
        "account_id": world.ids["account_id"],
        "kind": "member",
        "name": "Plain member",
        "balance": "30.00",
        "membership_id": world.member_a.pk,
        "supplier_id": None,
    }
    unopened = [row for row in members if row["account_id"] is None]
    assert unopened and {row["balance"] for row in unopened} == {"0.00"}  # no account yet
    bank = next(row for row in rows if row["kind"] == "bank")
    assert bank["balance"] == "30.00"  # the money held, as the treasury shows it
    assert [row["kind"] for row in rows[: len(members)]] == ["member"] * len(members)


def test_the_accounts_list_keeps_the_account_of_someone_who_left(world: World) -> None:
    leaving = add_member(world.a)
    treasurer = world.people["treasurer"]
    ledger_top_up(membership=leaving, amount=Decimal("7.00"), method="cash", actor=treasurer,
                  idempotency_key="before-leaving")  # fmt: skip
    ledger_refund(membership=leaving, amount=Decimal("7.00"), method="cash", actor=treasurer,
                  idempotency_key="paid-back")  # fmt: skip
    membership_leave(membership=leaving, user=leaving.user)  # ends it: the account stays
    rows = world.client("treasurer").get(url(world, "/accounts?limit=100")).json()["items"]
    kept = [row for row in rows if row["membership_id"] == leaving.pk]
    assert [row["balance"] for row in kept] == ["0.00"]


def test_the_accounts_list_pages_across_members_and_accounts(world: World) -> None:
    client = world.client("coordinator")
    whole = client.get(url(world, "/accounts?limit=100")).json()["items"]
    first = client.get(url(world, "/accounts?limit=3")).json()
    second = client.get(url(world, "/accounts?limit=3&offset=3")).json()
    assert first["count"] == len(whole) and first["next"] and second["previous"]
    assert first["items"] + second["items"] == whole[:6]


def test_the_treasury_shows_the_rules_and_the_money_held(world: World) -> None:
    response = world.client("treasurer").get(url(world, "/treasury"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["prepayment_required"] is False and body["credit_limit"] == "0.00"
    assert body["lines_to_review"] == lines_to_review(group=world.a).count()
    assert body["currency"] == world.a.currency
    assert {row["kind"]: row["balance"] for row in body["accounts"]} == {"bank": "30.00"}


def test_a_plain_member_may_not_see_the_treasury(world: World) -> None:
    assert world.client("member").get(url(world, "/treasury")).status_code == 403
    assert world.client("member").get(url(world, "/accounts")).status_code == 403


def test_a_member_reads_their_own_account_and_not_anothers(world: World, plain: Client) -> None:
    mine = url(world, f"/accounts/{world.ids['account_id']}")
    response = plain.get(mine)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["balance"] == "30.00" and body["payment_reference"].startswith("CB-")
    today = timezone.localdate()
    assert body["statement_months"] == [{"year": today.year, "month": today.month}]
    assert [invoice["total"] for invoice in body["invoices"]] == ["4.00"]
    entries = plain.get(f"{mine}/transactions").json()["items"]
    assert [(e["kind"], e["amount"]) for e in entries] == [("top_up", "30.00")]
    other = world.client("member")  # another member of the group: not found, as on the web
    assert other.get(mine).status_code == 404
    assert other.get(f"{mine}/transactions").status_code == 404
    assert world.client("treasurer").get(mine).status_code == 200


def test_another_groups_account_is_not_found(world: World) -> None:
    theirs = f"/api/v1/groups/{world.b.slug}/accounts/{world.ids['account_id']}"
    assert world.client("coordinator_b").get(theirs).status_code == 404


# Refunds and adjustments -------------------------------------------------------------------------


def refund(world: World, role: str, key: str | None = None, **body: object) -> Response:
    payload = {"membership_id": world.member_a.pk, "amount": "12.00", "method": "bank", **body}
    return post(world.client(role), url(world, "/refunds"), payload, key)


def test_a_refund_pays_a_member_back_from_the_bank(world: World) -> None:
    response = refund(world, "treasurer", reason="Moving away")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "refund" and body["amount"] == "-12.00"
    assert body["membership_id"] == world.member_a.pk and "Moving away" in body["description"]
    assert balance(world) == Decimal("18.00")
    assert balance(world, "bank") == Decimal("-18.00")  # 18.00 held


@pytest.mark.parametrize("amount", ["30.01", "0.00"])
def test_a_refund_beyond_the_balance_or_of_nothing_is_refused_naming_amount(
    world: World, amount: str
) -> None:
    response = refund(world, "treasurer", amount=amount)
    assert response.status_code == 422, response.content
    assert fields(response) == ["amount"]
    assert balance(world) == Decimal("30.00")
    assert not Transaction.objects.filter(kind="refund").exists()


def test_a_refund_retried_with_its_key_is_one_refund_with_the_same_reply(world: World) -> None:
    first = refund(world, "coordinator", key="refund-1")
    second = refund(world, "coordinator", key="refund-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Transaction.objects.filter(group=world.a, kind="refund").count() == 1
    assert balance(world) == Decimal("18.00")


def test_a_refund_for_another_groups_member_is_not_found(world: World) -> None:
    stranger = add_member(world.b)
    response = refund(world, "treasurer", membership_id=stranger.pk)
    assert response.status_code == 404
    assert not Transaction.objects.filter(kind="refund").exists()


def adjust(world: World, **body: object) -> Response:
    payload = {"membership_id": world.member_a.pk, "amount": "-2.50", "reason": "Jar", **body}
    return post(world.client("treasurer"), url(world, "/adjustments"), payload)


def test_an_adjustment_charges_or_credits_a_member_with_a_reason(world: World) -> None:
    response = adjust(world, reason="A broken jar")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "adjustment" and response.json()["amount"] == "-2.50"
    assert adjust(world, amount="1.00").status_code == 201
    assert balance(world) == Decimal("28.50")
    assert balance(world, "adjustments") == Decimal("1.50")


def test_an_adjustment_of_nothing_or_without_a_reason_is_refused(world: World) -> None:
    for body, field in (({"amount": "0.00"}, "amount"), ({"reason": "   "}, "reason")):
        response = adjust(world, **body)
        assert response.status_code == 422, body
        assert fields(response) == [field]
    assert adjust(world, amount=-2.5).status_code == 422  # never a number
    assert not Transaction.objects.filter(kind="adjustment").exists()


def test_a_plain_member_may_not_refund_or_adjust(world: World) -> None:
    assert refund(world, "member").status_code == 403
    assert balance(world) == Decimal("30.00")


# Transactions and reversals ----------------------------------------------------------------------


def test_the_transactions_list_and_one_transaction_show_every_entry(world: World) -> None:
    refund(world, "treasurer")
    client = world.client("treasurer")
    page = client.get(url(world, "/transactions")).json()
    assert [tx["kind"] for tx in page["items"]] == ["refund", "top_up"]  # newest first
    top_up = page["items"][1]
    assert top_up["id"] == world.ids["transaction_id"]
    assert sorted(e["amount"] for e in top_up["entries"]) == ["-30.00", "30.00"]
    assert top_up["recorded_by"] == world.people["treasurer"].name
    one = client.get(url(world, f"/transactions/{top_up['id']}"))
    assert one.status_code == 200 and one.json() == top_up
    assert sum(Decimal(e["amount"]) for e in one.json()["entries"]) == 0


def test_another_groups_transaction_is_not_found(world: World) -> None:
    tx = world.ids["transaction_id"]
    theirs = f"/api/v1/groups/{world.b.slug}/transactions/{tx}"
    assert world.client("coordinator_b").get(theirs).status_code == 404
    assert post(world.client("coordinator_b"), f"{theirs}/reverse", {}).status_code == 404
    assert world.client("member").get(url(world, f"/transactions/{tx}")).status_code == 403


def test_a_reversal_undoes_a_transaction_once_and_only_once(world: World) -> None:
    path = url(world, f"/transactions/{world.ids['transaction_id']}/reverse")
    client = world.client("treasurer")
    response = post(client, path, {"reason": "Typed twice"})
    assert response.status_code == 201, response.content
    reversal = response.json()
    assert reversal["kind"] == "reversal" and reversal["reverses"] == world.ids["transaction_id"]
    assert "Typed twice" in reversal["description"]
    assert balance(world) == 0 and balance(world, "bank") == 0
    again = post(client, path, {})
    assert again.status_code == 409, again.content
    assert fields(again) == [None]
    assert Transaction.objects.filter(kind="reversal").count() == 1
    original = client.get(url(world, f"/transactions/{world.ids['transaction_id']}")).json()
    assert original["reversed_by"] == reversal["id"]
    undo_undo = post(client, url(world, f"/transactions/{reversal['id']}/reverse"), {})
    assert undo_undo.status_code == 409


def test_a_reversal_beyond_the_credit_rule_is_a_conflict_not_a_field_error(world: World) -> None:
    LedgerSettings.objects.update_or_create(
        group=world.a,
        defaults={"prepayment_required": True, "credit_limit": 0, "invoice_prefix": "GRA"},
    )
    refund(world, "treasurer", amount="10.00")  # 20.00 left: undoing the 30.00 top-up is too much
    path = url(world, f"/transactions/{world.ids['transaction_id']}/reverse")
    response = post(world.client("treasurer"), path, {})
    assert response.status_code == 409, response.content
    assert [e["field"] for e in response.json()["errors"]] in ([], [None])
    assert "adjustment" in response.json()["detail"]
    assert balance(world) == Decimal("20.00")


# Settings ----------------------------------------------------------------------------------------


def test_the_money_rules_are_read_and_changed_field_by_field(world: World) -> None:
    client = world.client("treasurer")
    assert client.get(url(world, "/ledger-settings")).json()["prepayment_required"] is False
    path = url(world, "/ledger-settings")
    response = client.patch(path, {"credit_limit": "15.00"}, content_type="application/json")
    assert response.status_code == 200, response.content
    response = client.patch(path, {"prepayment_required": True}, content_type="application/json")
    assert response.json()["credit_limit"] == "15.00"
    settings = LedgerSettings.objects.get(group=world.a)
    assert (settings.prepayment_required, settings.credit_limit) == (True, Decimal("15.00"))
    plain_account = world.client("member").get(url(world, "/account")).json()
    assert plain_account["available_to_spend"] == "15.00"
    response = client.patch(path, {"invoice_prefix": "a-b"}, content_type="application/json")
    assert response.status_code == 422 and fields(response) == ["invoice_prefix"]
    response = client.patch(path, {"credit_limit": "0.00"}, content_type="application/json")
    assert response.json()["credit_limit"] == "0.00"


def test_a_plain_member_may_not_see_or_change_the_money_rules(world: World) -> None:
    client = world.client("member")
    assert client.get(url(world, "/ledger-settings")).status_code == 403
    body = {"prepayment_required": True}
    response = client.patch(url(world, "/ledger-settings"), body, content_type="application/json")
    assert response.status_code == 403
    assert not LedgerSettings.objects.filter(group=world.a, prepayment_required=True).exists()


# Supplier money ----------------------------------------------------------------------------------


def test_a_supplier_invoice_and_a_payment_move_what_the_group_owes(world: World) -> None:
    client = world.client("treasurer")
    supplier = world.ids["supplier_id"]
    body = {"supplier_id": supplier, "number": "F-101", "amount": "42.00"}
    response = post(client, url(world, "/supplier-invoices"), body)
    assert response.status_code == 201, response.content
    invoice = response.json()
    assert (invoice["amount"], invoice["charged_in_round"], invoice["difference"]) == (
        "42.00",
        "0.00",
        "42.00",
    )
    assert Transaction.objects.get(pk=invoice["transaction_id"]).kind == "supplier_inv"
    owed = client.get(url(world, "/supplier-accounts")).json()["items"]
    assert [(row["supplier_id"], row["owed"]) for row in owed] == [(supplier, "42.00")]
    payment = {"supplier_id": supplier, "amount": "40.00", "method": "bank", "reference": "T1"}
    response = post(client, url(world, "/supplier-payments"), payment)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "supplier_pay"
    owed = client.get(url(world, "/supplier-accounts")).json()["items"]
    assert owed[0]["owed"] == "2.00"
    assert balance(world, "bank") == Decimal("10.00")  # 30.00 in, 40.00 out: overdrawn by 10
    listed = client.get(url(world, "/supplier-invoices")).json()["items"]
    assert [row["number"] for row in listed] == ["F-101"]


def test_a_supplier_invoice_for_an_unknown_round_or_supplier_is_refused(world: World) -> None:
    client = world.client("treasurer")
    body = {"supplier_id": world.ids["supplier_id"], "number": "F-1", "amount": "5.00"}
    response = post(client, url(world, "/supplier-invoices"), {**body, "round_reference": "Nope"})
    assert response.status_code == 422 and fields(response) == ["round_reference"]
    theirs = Supplier.objects.create(group=world.b, name="Not ours")
    response = post(client, url(world, "/supplier-invoices"), {**body, "supplier_id": theirs.pk})
    assert response.status_code == 404
    payment = {"supplier_id": theirs.pk, "amount": "5.00", "method": "cash"}
    assert post(client, url(world, "/supplier-payments"), payment).status_code == 404
    assert not SupplierInvoice.objects.exists()


# Invoices ----------------------------------------------------------------------------------------


def test_a_member_lists_and_reads_their_invoices(world: World, plain: Client) -> None:
    mine = plain.get(url(world, "/account/invoices")).json()
    assert [row["id"] for row in mine["items"]] == [world.ids["invoice_id"]]
    response = plain.get(url(world, f"/invoices/{world.ids['invoice_id']}"))
    assert response.status_code == 200, response.content
    invoice = response.json()
    assert invoice["total"] == "4.00" and invoice["round_reference"] == "Weekly order"
    assert invoice["lines"] == [
        {
            "position": 1,
            "description": "Oats",
            "quantity": "2.000",
            "unit_price": "2.0000",
            "vat_rate": "0.0000",
            "amount": "4.00",
        }
    ]
    assert invoice["vat"] == [{"rate": "0.0000", "net": "4.00", "vat": "0.00", "gross": "4.00"}]
    assert world.client("member").get(url(world, "/account/invoices")).json()["count"] == 0


def test_an_invoice_pdf_is_a_pdf_for_its_member_and_the_treasurer_only(
    world: World, plain: Client
) -> None:
    path = url(world, f"/invoices/{world.ids['invoice_id']}")
    response = plain.get(f"{path}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert world.client("treasurer").get(path).status_code == 200
    assert world.client("member").get(path).status_code == 404
    assert world.client("member").get(f"{path}/pdf").status_code == 404
    theirs = f"/api/v1/groups/{world.b.slug}/invoices/{world.ids['invoice_id']}"
    assert world.client("coordinator_b").get(theirs).status_code == 404


# Statements --------------------------------------------------------------------------------------


def statement(world: World, client: Client, year: int, month: int, pdf: bool = False) -> Response:
    tail = "/pdf" if pdf else ""
    return client.get(
        url(world, f"/accounts/{world.ids['account_id']}/statements/{year}/{month}{tail}")
    )


def test_a_monthly_statement_opens_and_closes_with_the_balance(world: World, plain: Client) -> None:
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    ledger_top_up(
        membership=world.member_a,
        amount=Decimal("10.00"),
        method="cash",
        actor=world.people["treasurer"],
        idempotency_key="last-month",
        booked_on=last_month,
    )
    before = statement(world, plain, last_month.year, last_month.month).json()
    assert (before["opening_balance"], before["closing_balance"]) == ("0.00", "10.00")
    response = statement(world, plain, today.year, today.month)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["opening_balance"] == "10.00" and body["closing_balance"] == "40.00"
    assert [(row["amount"], row["balance"]) for row in body["entries"]] == [("30.00", "40.00")]
    assert body["entries"][0]["transaction"] == world.ids["transaction_id"]
    pdf = statement(world, plain, today.year, today.month, pdf=True)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" not in pdf["Content-Disposition"]  # shown inline, as on the web


def test_another_members_statement_is_not_found(world: World) -> None:
    today = timezone.localdate()
    assert statement(world, world.client("member"), today.year, today.month).status_code == 404
    response = statement(world, world.client("member"), today.year, today.month, pdf=True)
    assert response.status_code == 404
    assert statement(world, world.client("treasurer"), today.year, today.month).status_code == 200


@pytest.mark.parametrize(
    ("year", "month", "field"),
    [(2026, 13, "month"), (2026, 0, "month"), (1999, 5, "year"), (99999, 1, "year")],
)
def test_a_month_or_year_out_of_range_is_refused_naming_it(
    world: World, year: int, month: int, field: str
) -> None:
    for pdf in (False, True):
        response = statement(world, world.client("treasurer"), year, month, pdf=pdf)
        assert response.status_code == 422, response.content
        assert fields(response) == [field]


def test_a_year_to_come_is_refused_naming_the_year(world: World) -> None:
    response = statement(world, world.client("treasurer"), timezone.localdate().year + 2, 1)
    assert response.status_code == 422 and fields(response) == ["year"]


# The accountant's CSV ----------------------------------------------------------------------------


def test_the_csv_export_has_one_row_per_entry(world: World) -> None:
    refund(world, "treasurer", amount="5.00")
    response = world.client("treasurer").get(url(world, "/transactions.csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(f'attachment; filename="{world.a.slug}-')
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == CSV_HEADER
    assert len(rows) - 1 == Entry.objects.filter(transaction__group=world.a).count() == 4
    by_column = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    refunded = [row for row in by_column if row["kind"] == "Refund"]
    assert sorted((row["debit"], row["credit"]) for row in refunded) == [("", "5.00"), ("5.00", "")]


def test_a_plain_member_may_not_export(world: World) -> None:
    response = world.client("member").get(url(world, "/transactions.csv"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
