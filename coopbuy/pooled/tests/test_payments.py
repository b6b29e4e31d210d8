"""Settling up after a pooled round: each group pays the federation, the federation the supplier.

After the close, group A owes the federation 20.25, B 9.00, C 5.25, and the federation owes Suma
30.00 (see `test_close.py`); paying clears the `between` accounts and the payable, every book exact.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from coopbuy.audit.models import AuditEvent
from coopbuy.errors import UserFacingError
from coopbuy.federations.extensions import MoneyPanel
from coopbuy.federations.payments import federation_payment_from_group
from coopbuy.federations.selectors import group_debt, group_debts
from coopbuy.federations.services import federation_role_add
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account, Transaction, Transfer
from coopbuy.ledger.services import book_of
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.payments import federation_supplier_payment_record
from coopbuy.pooled.selectors import supplier_debts
from coopbuy.pooled.tests.factories import World, make_world, open_pool, order
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db

D = Decimal


def _closed(w: World) -> None:
    pool = open_pool(w)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "ann", w.beans, 4)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    pooled_round_close(pool=pool, actor=w.fay)


def _treasurer(w: World) -> Any:
    tess = make_user("Tess Treasurer")
    federation_role_add(federation=w.federation, actor=w.fay, email=tess.email, role="treasurer")
    return tess


def _clean_books() -> None:
    assert [(r.label, p) for r in check_books() for p in r.problems] == []


def _between(group: BuyingGroup, w: World) -> tuple[Decimal, Decimal]:
    fed_book, group_book = w.federation.book, book_of(group)
    mine = Account.objects.get(book=group_book, counterparty=fed_book).balance
    theirs = Account.objects.get(book=fed_book, counterparty=group_book).balance
    return mine, theirs


def _posted() -> tuple[int, int, int]:
    return Transaction.objects.count(), Transfer.objects.count(), AuditEvent.objects.count()


def test_a_group_pays_the_federation_and_both_between_accounts_go_to_zero() -> None:
    w = make_world()
    _closed(w)
    a = w.groups[0]
    assert _between(a, w) == (D("20.25"), D("-20.25"))
    with CaptureQueriesContext(connection) as read:
        debts = group_debts(w.federation)
    assert len(read.captured_queries) == 2  # however many groups: not one query per group
    assert [(d.group.name, d.owed, d.owed_in_group_book) for d in debts] == [
        ("Group A", D("20.25"), D("20.25")),
        ("Group B", D("9.00"), D("9.00")),
        ("Group C", D("5.25"), D("5.25")),
    ]
    pay: dict[str, Any] = {
        "federation": w.federation, "group": a, "amount": D("20.25"), "method": "bank",
        "actor": w.coordinators[0], "idempotency_key": "usr:" + "a" * 64, "reference": "BACS 17",
    }  # fmt: skip
    first = federation_payment_from_group(**pay)
    before = _posted()
    again = federation_payment_from_group(**pay)  # a retry: the same key, one payment
    assert again.pk == first.pk and _posted() == before
    assert _between(a, w) == (D("0.00"), D("0.00"))
    keys = Transaction.objects.values_list("idempotency_key", flat=True)
    assert max(len(k) for k in keys) <= 80  # a user key fits the column (PostgreSQL enforces)
    assert group_debt(federation=w.federation, group=a).owed == D("0.00")
    fed_bank = Account.objects.get(book=w.federation.book, kind="bank")
    assert fed_bank.balance == D("-20.25")  # money arrived (debit)
    _clean_books()


def test_the_treasurer_pays_the_supplier_and_the_payable_goes_to_zero() -> None:
    w = make_world()
    _closed(w)
    tess = _treasurer(w)
    assert [(d.supplier.name, d.owed) for d in supplier_debts(w.federation)] == [
        ("Suma", D("30.00"))
    ]
    pay: dict[str, Any] = {
        "federation": w.federation, "supplier": w.supplier, "amount": D("30.00"),
        "method": "bank", "actor": tess, "idempotency_key": "usr:pay-suma",
    }  # fmt: skip
    first = federation_supplier_payment_record(**pay)
    before = _posted()
    assert federation_supplier_payment_record(**pay).pk == first.pk and _posted() == before
    assert [d.owed for d in supplier_debts(w.federation)] == [D("0.00")]
    assert first.kind == Transaction.Kind.SUPPLIER_PAYMENT and first.book_id == w.federation.book.pk
    assert AuditEvent.objects.filter(action="federation.supplier_payment").count() == 1
    _clean_books()


def _group_payment(w: World, **change: Any) -> None:
    args = {"federation": w.federation, "group": w.groups[0], "amount": D("5.00"),
            "method": "bank", "actor": w.coordinators[0], "idempotency_key": "usr:x",
            **change}  # fmt: skip
    federation_payment_from_group(**args)


def _supplier_payment(w: World, tess: Any, **change: Any) -> None:
    args = {"federation": w.federation, "supplier": w.supplier, "amount": D("5.00"),
            "method": "bank", "actor": tess, "idempotency_key": "usr:y", **change}  # fmt: skip
    federation_supplier_payment_record(**args)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": D("0")}, "amount"),
        ({"amount": D("-3.00")}, "amount"),
        ({"amount": D("1.234")}, "amount"),
        ({"amount": D("100000000.00")}, "amount"),  # over the most taken at once
        ({"amount": D("87579263187802.06")}, "amount"),  # more than a balance can hold
        ({"method": "card"}, "method"),
        ({"group": "outside"}, "group"),
    ],
)
def test_a_bad_group_payment_is_refused_with_its_field_and_posts_nothing(
    change: dict[str, Any], field: str
) -> None:
    w = make_world()
    _closed(w)
    if change.get("group") == "outside":  # a group its coordinator runs, not in the federation
        change = {"group": make_group(w.coordinators[0], name="Elsewhere")}
    before = _posted()
    with pytest.raises(UserFacingError) as refused:
        _group_payment(w, **change)
    assert refused.value.field == field
    assert _posted() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": D("0.00")}, "amount"),
        ({"amount": D("2.5001")}, "amount"),
        ({"method": "cheque"}, "method"),
        ({"supplier": "foreign"}, "supplier"),
    ],
)
def test_a_bad_supplier_payment_is_refused_with_its_field_and_posts_nothing(
    change: dict[str, Any], field: str
) -> None:
    w = make_world()
    _closed(w)
    tess = _treasurer(w)
    if change.get("supplier") == "foreign":  # B's own supplier: the federation never owed it
        change = {"supplier": make_supplier(w.groups[1], name="Local Farm")}
    before = _posted()
    with pytest.raises(UserFacingError) as refused:
        _supplier_payment(w, tess, **change)
    assert refused.value.field == field
    if field == "supplier":
        assert refused.value.message == "The federation owes this supplier nothing yet."
    assert _posted() == before


def test_only_the_right_people_pay() -> None:
    w = make_world()
    _closed(w)
    before = _posted()
    with pytest.raises(PermissionDenied):  # a plain member of A
        _group_payment(w, actor=w.users["ann"])
    with pytest.raises(PermissionDenied):  # the federation's coordinator is not A's treasurer
        _group_payment(w, actor=w.fay)
    with pytest.raises(PermissionDenied):  # A's coordinator does not run the federation
        _supplier_payment(w, w.coordinators[0])
    assert _posted() == before


def _form_data(form: Any, prefix: str = "", **values: str) -> dict[str, str]:
    p = f"{prefix}-" if prefix else ""
    return {f"{p}idempotency_key": form.initial["idempotency_key"],
            **{f"{p}{k}": v for k, v in values.items()}}  # fmt: skip


def another_panel(*, federation: Any, user: Any) -> MoneyPanel:
    return MoneyPanel("another_panel.html")


@pytest.fixture
def another_panel_template(settings: Any, tmp_path: Any) -> None:
    (tmp_path / "another_panel.html").write_text("<p>Another area's panel</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}
    ]


@pytest.mark.usefixtures("another_panel_template")
def test_the_pages_show_the_debts_and_their_forms_pay_them() -> None:
    w = make_world()
    tess = _treasurer(w)
    runner, cora = Client(), Client()
    runner.force_login(tess)
    cora.force_login(w.coordinators[0])
    money = f"/f/{w.federation.slug}/money/"
    page = runner.get(money)
    assert page.status_code == 200
    assert b"No group owes the federation anything" in page.content
    assert b"The federation owes no supplier anything yet" in page.content
    mine = cora.get(f"/g/{w.groups[0].slug}/federations/")
    assert mine.status_code == 200 and b"Nothing is owed to" in mine.content
    _closed(w)
    page = runner.get(money)
    assert b"Group B" in page.content and b"Suma" in page.content
    assert b"Pay a supplier" in page.content
    # The treasurer reaches the federation's report from the money page (the pooled list that also
    # links to it is for coordinators).
    report = f"/federations/{w.federation.slug}/pooled/report/"
    assert f'href="{report}"'.encode() in page.content
    assert runner.get(report).status_code == 200
    # A's coordinator pays on the group's page; a wrong amount is shown with its field.
    mine = cora.get(f"/g/{w.groups[0].slug}/federations/")
    assert b"Pay the federation" in mine.content and b"20.25" in mine.content
    payment = mine.context["payments"][0]
    url = f"/g/{w.groups[0].slug}/federations/{payment['row'].pk}/pay/"
    prefix = f"p{payment['row'].pk}"
    bad = cora.post(url, _form_data(payment["form"], prefix, amount="0", method="bank"))
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors
    data = _form_data(payment["form"], prefix, amount="20.25", method="bank", reference="r1")
    transfers = Transfer.objects.count()  # the close's: one a group
    done = cora.post(url, data)
    assert done.status_code == 302 and done["Location"] == url
    assert cora.post(url, data).status_code == 302  # a double click: one payment
    assert _between(w.groups[0], w) == (D("0.00"), D("0.00"))
    assert Transfer.objects.count() == transfers + 1
    assert b"is recorded" in cora.get(url).content
    # The federation's treasurer pays Suma from the money page.
    form = runner.get(money).context["panels"][0].context["form"]
    post_to = f"/federations/{w.federation.slug}/pooled/supplier-payments/"
    bad = runner.post(post_to, _form_data(form, supplier=str(w.supplier.pk), amount="x"))
    assert bad.status_code == 200 and b"Give an amount in figures" in bad.content
    with override_settings(
        COOPBUY_FEDERATION_MONEY_PANELS=[
            *settings.COOPBUY_FEDERATION_MONEY_PANELS,
            f"{__name__}.another_panel",
        ]
    ):
        bad = runner.post(post_to, _form_data(form, supplier=str(w.supplier.pk), amount="x"))
    # The other areas' panels stay on the page beside the form with its error.
    assert b"Give an amount in figures" in bad.content and b"Another area's panel" in bad.content
    done = runner.post(
        post_to, _form_data(form, supplier=str(w.supplier.pk), amount="30.00", method="bank")
    )
    assert done.status_code == 302 and done["Location"] == money
    assert [d.owed for d in supplier_debts(w.federation)] == [D("0.00")]
    _clean_books()


def _api(user: Any) -> Client:
    secret = token_create(user=user, name="t", scope="read-write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _send(client: Client, url: str, body: dict[str, Any] | None = None, key: str = "") -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    method = "POST" if body is not None else "GET"
    return client.generic(
        method, f"/api/v1{url}", json.dumps(body) if body is not None else "",
        content_type="application/json", headers=headers,
    )  # fmt: skip


def test_settling_up_through_the_api() -> None:
    w = make_world()
    _closed(w)
    tess = _treasurer(w)
    fed = f"/federations/{w.federation.slug}"
    b = w.groups[1]
    cora_b, treasurer = _api(w.coordinators[1]), _api(tess)
    balances = _send(treasurer, f"{fed}/balances").json()
    assert balances["groups"][1] == {"group": b.slug, "name": "Group B", "owed": "9.00"}
    assert balances["suppliers"] == [
        {"supplier_id": w.supplier.pk, "name": "Suma", "owed": "30.00"}
    ]
    body = {"amount": "9.00", "method": "bank", "reference": "BACS"}
    transfers = Transfer.objects.count()
    paid = _send(cora_b, f"{fed}/groups/{b.slug}/payments", body, key="k1")
    assert paid.status_code == 201, paid.content
    assert paid.json()["owed"] == "0.00"
    again = _send(cora_b, f"{fed}/groups/{b.slug}/payments", body, key="k1")
    assert again.json()["transfer_id"] == paid.json()["transfer_id"]
    assert Transfer.objects.count() == transfers + 1
    bad = _send(cora_b, f"{fed}/groups/{b.slug}/payments", {"amount": "0.00"}, key="k2")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "amount"
    paid = _send(treasurer, f"{fed}/supplier-payments",
                 {"supplier_id": w.supplier.pk, "amount": "30.00"}, key="k3")  # fmt: skip
    assert paid.status_code == 201, paid.content
    assert paid.json()["owed"] == "0.00"
    other = make_supplier(w.groups[1], name="Local Farm")
    bad = _send(treasurer, f"{fed}/supplier-payments",
                {"supplier_id": other.pk, "amount": "1.00"}, key="k4")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "supplier_id"
    assert _send(cora_b, f"{fed}/balances").status_code == 404  # not a runner
    refused = _send(cora_b, f"{fed}/supplier-payments",
                    {"supplier_id": w.supplier.pk, "amount": "1.00"}, key="k5")  # fmt: skip
    assert refused.status_code == 404
    _clean_books()


def test_an_amount_over_the_most_taken_at_once_is_refused_naming_the_limit_as_money() -> None:
    """The limit is shown as pages show money (£99,999,999.99), on the form and in the API's 422;
    nothing is posted."""
    w = make_world()
    _closed(w)
    said = "That amount is too large: at most £99,999,999.99 at once."
    api = _api(w.coordinators[1])
    before = _posted()
    cora = Client()
    cora.force_login(w.coordinators[0])
    payment = cora.get(f"/g/{w.groups[0].slug}/federations/").context["payments"][0]
    url = f"/g/{w.groups[0].slug}/federations/{payment['row'].pk}/pay/"
    data = _form_data(payment["form"], f"p{payment['row'].pk}", amount="100000000.00",
                      method="bank")  # fmt: skip
    page = cora.post(url, data)
    assert page.status_code == 200
    assert page.context["form"].errors["amount"] == [said]
    assert said in page.content.decode()
    b = w.groups[1]
    refused = _send(api,
                    f"/federations/{w.federation.slug}/groups/{b.slug}/payments",
                    {"amount": "100000000.00", "method": "bank"}, key="big")  # fmt: skip
    assert refused.status_code == 422, refused.content
    assert refused.json()["errors"] == [{"field": "amount", "message": said}]
    assert _posted() == before
