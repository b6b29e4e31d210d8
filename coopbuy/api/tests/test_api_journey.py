"""A whole buying cycle through the API alone, as a group's own tools would drive it.

A coordinator starts a group, invites two neighbours, sets up a supplier and a round; the
neighbours order; money comes in; the round closes, is ordered, received short, collected and
settled; each member reads their invoice and statement. No service is called directly: only the
tokens are made as the web page makes them.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.ledger.models import Transaction
from coopbuy.outbox.models import OutboxMessage
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


class Caller:
    """One person's API client: JSON in, JSON out, and the status checked on every call."""

    def __init__(self, name: str) -> None:
        self.user = make_user(name)
        _token, secret = token_create(user=self.user, name="journey", scope="read-write")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        headers = {"Idempotency-Key": str(uuid.uuid4())} if method == "POST" else {}
        response = self.client.generic(
            method,
            f"/api/v1{path}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == status, (method, path, response.content[:500])
        if response["Content-Type"].startswith("application/json"):
            return response.json()
        return response.getvalue()  # a file (PDF, CSV), streamed or not


def test_a_whole_round_from_the_first_invitation_to_the_invoices() -> None:
    cora, ann, ben = Caller("Cora"), Caller("Ann"), Caller("Ben")

    group = cora("POST", "/groups", {"name": "Elm Street Pantry", "visibility": "private",
                                     "join_policy": "invitation"}, status=201)  # fmt: skip
    g = f"/groups/{group['slug']}"
    invitation = cora("POST", f"{g}/invitations", {"days_valid": 7, "max_uses": 5}, status=201)
    for person in (ann, ben):
        seen = person("GET", f"/invitations/{invitation['code']}")
        assert seen["group"]["name"] == "Elm Street Pantry" and not seen["already_member"]
        person("POST", f"/invitations/{invitation['code']}/accept", status=201)
    members = {m["person"]["name"]: m["id"] for m in cora("GET", f"{g}/members")["items"]}
    assert set(members) == {"Cora", "Ann", "Ben"}

    supplier = cora("POST", f"{g}/suppliers", {"name": "Hill Farm", "delivery_fee": "3.00",
                                               "order_email": "orders@hill.example"},
                    status=201)  # fmt: skip
    s = f"{g}/suppliers/{supplier['id']}"
    cora("POST", f"{s}/products", {"sku": "OATS", "name": "Oats", "case_size": 6,
                                   "unit_price": "2.00"}, status=201)  # fmt: skip
    cora("POST", f"{s}/products", {"sku": "RICE", "name": "Rice", "case_size": 4,
                                   "unit_price": "3.00"}, status=201)  # fmt: skip
    cora("PATCH", f"{g}/ledger-settings", {"prepayment_required": True, "credit_limit": "5.00"})

    now = timezone.now()
    round = cora("POST", f"{g}/rounds", {
        "name": "December order", "suppliers": [supplier["id"]],
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=3)).isoformat(), "policy": "fcfs",
    }, status=201)  # fmt: skip
    r = f"{g}/rounds/{round['id']}"
    ann("GET", r, status=404)  # a draft is the coordinators' until it opens
    cora("POST", f"{r}/open")

    cora("POST", f"{g}/top-ups", {"membership_id": members["Ann"], "amount": "20.00",
                                  "method": "bank"}, status=201)  # fmt: skip
    products = {p["name"]: p["id"] for p in ann("GET", f"{r}/products")["items"]}
    ann("PUT", f"{r}/basket/{products['Oats']}", {"quantity": 4, "tolerance": 2})
    ann("PUT", f"{r}/basket/{products['Rice']}", {"quantity": 4, "tolerance": 0})
    refused = ben.client.put(
        f"/api/v1{r}/basket/{products['Oats']}",
        {"quantity": 4, "tolerance": 0},
        content_type="application/json",
    )
    assert refused.status_code == 422  # fmt: skip
    assert refused.json()["errors"][0]["field"] == "quantity"  # nothing paid in: 5.00 of credit
    ben("PUT", f"{r}/basket/{products['Oats']}", {"quantity": 2, "tolerance": 0})
    assert ann("GET", f"{r}/basket")["summary"]

    closed = cora("POST", f"{r}/close")
    assert closed["closed_now"] is True
    mine = ann("GET", f"{r}/allocations")
    assert {a["name"]: a["units"] for a in mine["allocations"]} == {"Oats": 4, "Rice": 4}
    assert mine["charge"]["total"] == "22.50"  # 8.00 + 12.00 + 20/24 of the 3.00 delivery
    assert ben("GET", f"{r}/allocations")["allocations"][0]["units"] == 2

    cora("POST", f"{r}/send-order")
    sent = OutboxMessage.objects.get(to=["orders@hill.example"])
    assert [a.filename.rsplit(".", 1)[1] for a in sent.attachments.all()] == ["pdf", "csv"]
    order = cora("GET", f"{r}/suppliers/{supplier['id']}/order.csv")
    rows = list(csv.reader(io.StringIO(order.decode("utf-8-sig"))))
    assert rows[1][:2] == ["OATS", "Oats"] and rows[1][4] == "1"  # one case of oats

    shortage = cora("POST", f"{r}/receiving", {"product": products["Rice"],
                                               "units_received": 3}, status=200)  # fmt: skip
    assert shortage["records"][0]["kind"] == "short"
    # Ann: 4 oats (8.00) + 3 rice (9.00) + 17/21 of the 3.00 delivery (2.43); Ben has 4.00 of it.
    assert ann("GET", f"{r}/allocations")["charge"]["total"] == "19.43"
    cora("PUT", f"{r}/collection/{members['Ann']}", {"collected": True, "note": ""})
    bags = {row["name"]: row for row in cora("GET", f"{r}/collection")["items"]}
    assert bags["Ann"]["collected"] is True and bags["Ben"]["collected"] is False

    settled = cora("POST", f"{r}/settle")
    assert settled["invoices"] == 2
    invoices = ann("GET", f"{g}/account/invoices")["items"]
    invoice = ann("GET", f"{g}/invoices/{invoices[0]['id']}")
    assert invoice["total"] == "19.43"
    assert sum(Decimal(line["amount"]) for line in invoice["lines"]) == Decimal("19.43")
    assert ann("GET", f"{g}/invoices/{invoices[0]['id']}/pdf").startswith(b"%PDF")
    ben("GET", f"{g}/invoices/{invoices[0]['id']}", status=404)  # Ann's, not Ben's

    account = ann("GET", f"{g}/account")
    assert account["balance"] == "0.57"  # 20.00 paid in, 19.43 charged
    today = timezone.localdate()
    statement = ann("GET", f"{g}/accounts/{account['account_id']}/statements/"
                           f"{today.year}/{today.month}")  # fmt: skip
    assert statement["closing_balance"] == "0.57"

    mistaken = cora("POST", f"{g}/top-ups", {"membership_id": members["Ben"], "amount": "50.00",
                                             "method": "cash"}, status=201)  # fmt: skip
    cora("POST", f"{g}/transactions/{mistaken['id']}/reverse", {"reason": "Typed twice"},
         status=201)  # fmt: skip
    assert Transaction.objects.filter(reverses_id=mistaken["id"]).count() == 1
    ledger = cora("GET", f"{g}/transactions.csv").decode("utf-8-sig")
    reversal = [row for row in csv.DictReader(io.StringIO(ledger)) if row["kind"] == "Reversal"]
    assert {row["reverses"] for row in reversal} == {str(mistaken["id"])}
    assert "(Typed twice)" in reversal[0]["description"]
    assert ben("GET", f"{g}/account")["balance"] == "-4.57"  # 4.00 of oats, 0.57 of delivery

    # The group's activity tells the whole story, newest first.
    story = [e["action"] for e in cora("GET", f"{g}/activity?limit=100")["items"]][::-1]
    steps = ["group.created", "invitation.created", "membership.joined", "supplier.created",
             "round.created", "round.opened", "ledger.top_up", "round.closed", "round.ordered",
             "round.received", "round.collected", "round.settled", "ledger.reversal"]  # fmt: skip
    positions = [story.index(step) for step in steps]
    assert positions == sorted(positions), story
