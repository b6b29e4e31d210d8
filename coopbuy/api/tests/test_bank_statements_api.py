"""Bank statements through the API: columns, import (no doubles), the lines, booking, ignoring.

Group A's world already holds one statement (see access/bank_statements.py): a line of 20.00
matched to the plain member (`world.ids["line_id"]`) and an unmatched one of 7.50.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import TYPE_CHECKING, Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import encode_multipart

from coopbuy.api.tests.conftest import World
from coopbuy.groups.models import Membership
from coopbuy.ledger import selectors
from coopbuy.ledger.models import StatementImport, StatementLine, Transaction
from coopbuy.ledger.services import payment_reference_for
from coopbuy.ledger.statements import MAX_BYTES, statement_import
from coopbuy.ledger.treasury import ledger_reverse
from coopbuy.testing.factories import add_member

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

MAPPING = {"date": "0", "counterparty": "1", "amount": "2", "reference": "3", "bank_id": "4"}
FORM = {**MAPPING, "date_format": "%d/%m/%Y"}


def april(world: World) -> bytes:
    reference = payment_reference_for(world.member_a)
    return (
        "Date,Payer,Amount,Reference,Transaction id\n"
        f"02/04/2026,P. Member,15.00,{reference},T1\n"
        "03/04/2026,Unknown,9.00,thanks,T2\n"
        "04/04/2026,Bank,-1.50,fee,T3\n"
    ).encode()


def url(world: World, rest: str = "") -> str:
    return f"/api/v1/groups/{world.a.slug}/bank-statements{rest}"


def upload(
    client: Client,
    address: str,
    content: bytes,
    data: dict[str, str] | None = None,
    key: str | None = None,
    boundary: str = "BoUnDaRy",
) -> Response:
    body = {**(data or {}), "file": SimpleUploadedFile("april.csv", content)}
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.generic(
        "POST",
        address,
        encode_multipart(boundary, body),
        content_type=f"multipart/form-data; boundary={boundary}",
        **headers,
    )


def treasurer(world: World) -> Client:
    return world.client("treasurer")


def stored(world: World) -> tuple[int, int]:
    return (
        StatementImport.objects.filter(group=world.a).count(),
        StatementLine.objects.filter(group=world.a).count(),
    )


def plain_member(world: World) -> Membership:
    return Membership.objects.get(group=world.a, user=world.people["member"])


# Columns ------------------------------------------------------------------------------------------


def test_columns_show_the_files_columns_first_lines_and_guess_and_store_nothing(
    world: World,
) -> None:
    before = stored(world)
    response = upload(treasurer(world), url(world, "/columns"), april(world))
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["name"] for c in body["columns"]] == [
        "Date", "Payer", "Amount", "Reference", "Transaction id",
    ]  # fmt: skip
    assert [c["index"] for c in body["columns"]] == [0, 1, 2, 3, 4]
    assert body["sample"][1] == ["03/04/2026", "Unknown", "9.00", "thanks", "T2"]
    assert body["guessed"] == {
        "date": 0, "amount": 2, "reference": 3, "counterparty": 1, "bank_id": 4,
    }  # fmt: skip
    assert {"date_format": "%d/%m/%Y", "example": "31/03/2026"} in body["date_formats"]
    assert stored(world) == before


def test_columns_without_a_header_name_are_numbered_and_not_guessed(world: World) -> None:
    response = upload(treasurer(world), url(world, "/columns"), b"When;;x\n2026-04-02;5.00;y\n")
    assert response.status_code == 200, response.content
    assert [c["name"] for c in response.json()["columns"]] == ["When", "#2", "x"]
    assert set(response.json()["guessed"].values()) == {None}


# Import -------------------------------------------------------------------------------------------


def test_import_stores_the_new_lines_matched_by_reference_and_books_nothing(
    world: World,
) -> None:
    transactions = Transaction.objects.count()
    response = upload(treasurer(world), url(world), april(world), FORM)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("filename", "lines_new", "duplicates_skipped")} == {
        "filename": "april.csv", "lines_new": 3, "duplicates_skipped": 0,
    }  # fmt: skip
    assert (body["matched"], body["unmatched"]) == (1, 2)
    lines = StatementLine.objects.filter(statement_id=body["id"]).order_by("line_number")
    assert [(line.amount, line.status) for line in lines] == [
        (D("15.00"), "matched"), (D("9.00"), "unmatched"), (D("-1.50"), "unmatched"),
    ]  # fmt: skip
    assert lines[0].account is not None
    assert lines[0].account.membership_id == world.member_a.pk
    assert Transaction.objects.count() == transactions


def test_importing_the_same_file_again_adds_nothing(world: World) -> None:
    client = treasurer(world)
    assert upload(client, url(world), april(world), FORM).status_code == 201
    after_first = stored(world)
    again = upload(client, url(world), april(world), FORM)
    assert again.status_code == 201, again.content
    assert {k: again.json()[k] for k in ("lines_new", "duplicates_skipped", "matched")} == {
        "lines_new": 0, "duplicates_skipped": 3, "matched": 0,
    }  # fmt: skip
    assert stored(world)[1] == after_first[1]  # a record of the attempt, no new line


def test_a_retry_with_the_same_key_imports_once_and_gets_the_first_reply(world: World) -> None:
    client = treasurer(world)
    first = upload(client, url(world), april(world), FORM, key="import-1", boundary="one")
    again = upload(client, url(world), april(world), FORM, key="import-1", boundary="two")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert StatementImport.objects.filter(group=world.a, filename="april.csv").count() == 1
    other = upload(client, url(world), april(world) + b"05/04/2026,X,1.00,y,T4\n", FORM, "import-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


NOT_A_STATEMENT = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(
    ("content", "form", "field"),
    [
        (NOT_A_STATEMENT, FORM, "file"),
        (b"\r".join([b"a,b", b"1,2"]), FORM, "file"),  # a lone carriage return: not CSV
        (b"Date,Amount\n", FORM, "file"),  # no line
        (b"Just one column\n02/04/2026\n", FORM, "file"),
        (b"x" * (MAX_BYTES + 1), FORM, "file"),
        (None, {**FORM, "amount": "9"}, "amount"),  # the file has 5 columns
        (None, {**FORM, "reference": "5"}, "reference"),
        (None, {**FORM, "date_format": "%Y-%m-%d"}, "date"),  # the dates do not read so
        (None, {**FORM, "amount": "3"}, "amount"),  # that column holds references
        (None, {**FORM, "date_format": "%d %B %Y"}, "date_format"),
        (None, {k: v for k, v in FORM.items() if k != "amount"}, "amount"),
        (None, {**FORM, "counterparty": ""}, "counterparty"),
    ],
)
def test_a_refused_import_names_the_field_and_stores_nothing(
    world: World, content: bytes | None, form: dict[str, str], field: str
) -> None:
    before = stored(world)
    response = upload(treasurer(world), url(world), content or april(world), form, key="k")
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert stored(world) == before


@pytest.mark.parametrize(
    ("content", "field"),
    [(NOT_A_STATEMENT, "file"), (b"x" * (MAX_BYTES + 1), "file"), (b"", "file"), (None, "file")],
)
def test_columns_of_what_is_not_a_statement_are_refused_naming_the_file(
    world: World, content: bytes | None, field: str
) -> None:
    client = treasurer(world)
    if content is None:
        response = client.post(url(world, "/columns"), {})
    else:
        response = upload(client, url(world, "/columns"), content)
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_file_must_not_be_sent_as_json(world: World) -> None:
    response = treasurer(world).post(url(world), FORM, content_type="application/json")
    assert response.status_code == 422
    assert "file" in [e["field"] for e in response.json()["errors"]]


# Lines --------------------------------------------------------------------------------------------


def test_lines_are_listed_by_state_with_their_member(world: World) -> None:
    client = treasurer(world)
    upload(client, url(world), april(world), FORM)
    matched = client.get(url(world, "/lines?status=matched")).json()
    assert matched["count"] == 2  # the seeded one and April's
    assert {item["amount"] for item in matched["items"]} == {"20.00", "15.00"}
    first = matched["items"][0]
    assert first["id"] == world.ids["line_id"]
    assert first["member"] == {"membership_id": world.member_a.pk, "name": "Plain member"}
    assert (first["status"], first["transaction_id"], first["date"]) == (
        "matched", None, "2026-03-31",
    )  # fmt: skip
    unmatched = client.get(url(world, "/lines?status=unmatched")).json()
    assert [i["amount"] for i in unmatched["items"]] == ["7.50", "9.00", "-1.50"]
    assert {i["member"] for i in unmatched["items"]} == {None}
    fee = unmatched["items"][2]
    assert (fee["reference"], fee["counterparty"], fee["line_number"]) == ("fee", "Bank", 3)
    every = client.get(url(world, "/lines?limit=2")).json()
    assert (every["count"], len(every["items"])) == (5, 2) and every["next"]
    assert client.get(url(world, "/lines?status=booked")).json()["count"] == 0
    refused = client.get(url(world, "/lines?status=waiting"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"


def test_an_unmatched_line_is_booked_for_the_member_chosen_once(world: World) -> None:
    client = treasurer(world)
    line = StatementLine.objects.get(group=world.a, status="unmatched")
    address = url(world, f"/lines/{line.pk}/book")
    member = plain_member(world)
    balance = selectors.balance_of(membership=member)
    response = client.post(address, {"membership_id": member.pk}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["member"]["membership_id"]) == ("booked", member.pk)
    posted = Transaction.objects.get(pk=body["transaction_id"])
    assert (posted.kind, posted.booked_on.isoformat()) == ("top_up", "2026-03-31")
    assert selectors.balance_of(membership=member) == balance + D("7.50")
    again = client.post(address, {"membership_id": member.pk}, content_type="application/json")
    assert again.json()["transaction_id"] == posted.pk  # still one top-up
    assert selectors.balance_of(membership=member) == balance + D("7.50")


def test_booking_refusals(world: World) -> None:
    client = treasurer(world)
    fee = statement_import(
        group=world.a, actor=world.people["treasurer"], filename="fee.csv",
        content=b"Date,Amount\n01/04/2026,-3.00\n", mapping={"date": 0, "amount": 1},
        date_format="%d/%m/%Y",
    ).items.get()  # fmt: skip
    outsider = add_member(world.b)

    def book(line_id: int, membership_id: object) -> Response:
        return client.post(
            url(world, f"/lines/{line_id}/book"),
            {"membership_id": membership_id},
            content_type="application/json",
        )

    money_out = book(fee.pk, world.member_a.pk)
    assert money_out.status_code == 409  # only money coming in is a top-up
    assert book(world.ids["line_id"], outsider.pk).status_code == 404  # not a member of A
    missing = book(world.ids["line_id"], "")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "membership_id"
    assert StatementLine.objects.get(pk=world.ids["line_id"]).status == "matched"


def test_a_line_of_another_group_is_not_found(world: World) -> None:
    b_line = statement_import(
        group=world.b, actor=world.people["coordinator_b"], filename="b.csv",
        content=b"Date,Amount\n01/04/2026,3.00\n", mapping={"date": 0, "amount": 1},
        date_format="%d/%m/%Y",
    ).items.get()  # fmt: skip
    response = treasurer(world).post(url(world, f"/lines/{b_line.pk}/ignore"))
    assert response.status_code == 404
    assert StatementLine.objects.get(pk=b_line.pk).status == "unmatched"


def test_an_ignored_line_is_set_aside_for_good(world: World) -> None:
    client = treasurer(world)
    line_id = world.ids["line_id"]
    transactions = Transaction.objects.count()
    response = client.post(url(world, f"/lines/{line_id}/ignore"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ignored"
    assert client.post(url(world, f"/lines/{line_id}/ignore")).status_code == 409
    booked = client.post(
        url(world, f"/lines/{line_id}/book"),
        {"membership_id": world.member_a.pk},
        content_type="application/json",
    )
    assert booked.status_code == 409
    assert client.post(url(world, "/confirm-matched")).json() == {"booked": 0}
    assert Transaction.objects.count() == transactions


def test_confirming_books_every_matched_line_once(world: World) -> None:
    client = treasurer(world)
    upload(client, url(world), april(world), FORM)
    balance = selectors.balance_of(membership=world.member_a)
    response = client.post(url(world, "/confirm-matched"), HTTP_IDEMPOTENCY_KEY="confirm")
    assert response.status_code == 200, response.content
    assert response.json() == {"booked": 2}
    assert selectors.balance_of(membership=world.member_a) == balance + D("35.00")
    replay = client.post(url(world, "/confirm-matched"), HTTP_IDEMPOTENCY_KEY="confirm")
    assert replay.json() == {"booked": 2}  # the first reply
    assert client.post(url(world, "/confirm-matched")).json() == {"booked": 0}
    assert selectors.balance_of(membership=world.member_a) == balance + D("35.00")
    booked = client.get(url(world, "/lines?status=booked")).json()["items"]
    assert [line["amount"] for line in booked] == ["20.00", "15.00"]
    posted = Transaction.objects.filter(pk__in=[line["transaction_id"] for line in booked])
    assert {t.kind for t in posted} == {"top_up"} and len(posted) == 2


def test_a_line_whose_top_up_is_reversed_waits_again_and_is_booked_anew(world: World) -> None:
    client = treasurer(world)
    member = plain_member(world)
    before = {m: selectors.balance_of(membership=m) for m in (member, world.member_a)}
    client.post(url(world, "/confirm-matched"))
    line = StatementLine.objects.get(pk=world.ids["line_id"])
    assert line.transaction is not None
    ledger_reverse(
        original=line.transaction, actor=world.people["treasurer"], idempotency_key="undo"
    )
    waiting = client.get(url(world, "/lines?status=unmatched")).json()["items"]
    assert {"id": line.pk, "member": None, "transaction_id": None}.items() <= next(
        item for item in waiting if item["id"] == line.pk
    ).items()
    response = client.post(
        url(world, f"/lines/{line.pk}/book"),
        {"membership_id": member.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["transaction_id"] not in (None, line.transaction.pk)
    assert selectors.balance_of(membership=member) == before[member] + D("20.00")
    assert selectors.balance_of(membership=world.member_a) == before[world.member_a]


def test_a_decimal_comma_is_read_and_an_ambiguous_column_names_decimal_separator(
    world: World,
) -> None:
    comma = b'Date,Payer,Amount,Reference,Transaction id\n02/04/2026,P,"1,50",r,T9\n'
    response = upload(treasurer(world), url(world), comma, FORM)
    assert response.status_code == 201, response.content
    assert StatementLine.objects.filter(group=world.a, amount=D("1.50")).exists()
    thousands = b'Date,Payer,Amount,Reference,Transaction id\n03/04/2026,P,"1,500",r,T10\n'
    before = stored(world)
    refused = upload(treasurer(world), url(world), thousands, FORM)
    assert refused.status_code == 422, refused.content
    assert [e["field"] for e in refused.json()["errors"]] == ["decimal_separator"]
    assert stored(world) == before
    chosen = upload(treasurer(world), url(world), thousands, {**FORM, "decimal_separator": "."})
    assert chosen.status_code == 201, chosen.content
    assert StatementLine.objects.filter(amount=D("1500.00")).exists()
