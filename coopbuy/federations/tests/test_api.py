"""The federations' API end to end: what each role gets, and errors that name the field."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from coopbuy.accounts.models import User
from coopbuy.federations.models import FederationGroup, FederationRole
from coopbuy.federations.tests.conftest import Fed
from coopbuy.ledger.models import Account
from coopbuy.ledger.services import system_account
from coopbuy.ledger.transfers import ledger_transfer
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    secret = token_create(user=user, name="t", scope="read-write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.generic(
        method, f"/api/v1{url}", json.dumps(body) if body is not None else "",
        content_type="application/json",
    )  # fmt: skip


def test_a_federation_from_start_to_a_group_leaving() -> None:
    fay = make_user("Fay")
    hebden = make_group(fay, name="Hebden", place="Hebden Bridge", visibility="public")
    leith = make_group(name="Leith", visibility="private", join_policy="invitation")
    gina = coordinator_of(leith)
    fay_api, gina_api = client_for(fay), client_for(gina)
    created = send(fay_api, "POST", "/federations", {"name": "Pennine Food", "slug": "pennine"})
    assert created.status_code == 201 and created.json()["slug"] == "pennine"
    taken = send(fay_api, "POST", "/federations", {"name": "Again", "slug": "pennine"})
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "slug"
    for group, api in ((hebden, fay_api), (leith, gina_api)):
        applied = send(api, "POST", f"/federations/pennine/groups/{group.slug}/apply",
                       {"message": f"{group.name} here"})  # fmt: skip
        assert applied.status_code == 201 and applied.json()["status"] == "applied"
    again = send(gina_api, "POST", f"/federations/pennine/groups/{leith.slug}/apply", {})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "federation"
    waiting = send(fay_api, "GET", "/federations/pennine/applications").json()
    assert [a["group"]["name"] for a in waiting["items"]] == ["Hebden", "Leith"]
    ids = {a["group"]["name"]: a["id"] for a in waiting["items"]}
    assert send(gina_api, "GET", "/federations/pennine/applications").status_code == 404
    refused = send(fay_api, "POST", f"/federations/pennine/applications/{ids['Leith']}/refuse", {})
    assert refused.status_code == 422  # the reason is required
    for name in ids:
        done = send(fay_api, "POST", f"/federations/pennine/applications/{ids[name]}/approve")
        assert done.status_code == 200 and done.json()["status"] == "member"
    # A stranger sees Hebden (public) named and Leith (private) only counted.
    public = Client().get("/api/v1/federations/pennine").json()
    assert [g["name"] for g in public["groups"]] == ["Hebden"] and public["private_groups"] == 1
    inside = send(gina_api, "GET", "/federations/pennine").json()
    assert [g["name"] for g in inside["groups"]] == ["Hebden", "Leith"]
    # Markup: a fraction from 0 to 1, set by the group's coordinator.
    url = f"/federations/pennine/groups/{leith.slug}/markup"
    ok = send(gina_api, "PUT", url, {"markup_rate": "0.025"})
    assert ok.status_code == 200
    assert (ok.json()["markup_rate"], ok.json()["markup_percent"]) == ("0.0250", "2.5")
    bad = send(gina_api, "PUT", url, {"markup_rate": "1.2"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "markup_rate"
    assert send(gina_api, "PUT", url, {"markup_rate": 0.1}).status_code == 422  # a float
    assert send(fay_api, "PUT", url, {"markup_rate": "0.1"}).status_code == 404  # not Leith's
    row = FederationGroup.objects.get(group=leith, status="member")
    assert row.markup_rate == Decimal("0.0250")
    # Leith leaves; Fay takes Hebden out.
    left = send(gina_api, "POST", f"/federations/pennine/groups/{leith.slug}/leave")
    assert left.status_code == 200 and left.json()["status"] == "left"
    out = send(fay_api, "POST", f"/federations/pennine/groups/{hebden.slug}/leave")
    assert out.status_code == 200 and out.json()["status"] == "left"


def test_roles_suppliers_and_the_book_through_the_api() -> None:
    fay = make_user("Fay")
    hebden = make_group(fay, name="Hebden")
    tess = make_user("Tess", email="tess@example.org")
    member = add_member(hebden).user
    fay_api, tess_api = client_for(fay), client_for(tess)
    send(fay_api, "POST", "/federations", {"name": "Pennine"})
    send(fay_api, "POST", f"/federations/pennine/groups/{hebden.slug}/apply", {})
    row = FederationGroup.objects.get(group=hebden)
    send(fay_api, "POST", f"/federations/pennine/applications/{row.pk}/approve")
    nobody = send(fay_api, "POST", "/federations/pennine/roles",
                  {"email": "nobody@example.org", "role": "treasurer"})  # fmt: skip
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "email"
    added = send(fay_api, "POST", "/federations/pennine/roles",
                 {"email": "tess@example.org", "role": "treasurer"})  # fmt: skip
    assert added.status_code == 201 and added.json()["person"]["name"] == "Tess"
    roles = send(client_for(member), "GET", "/federations/pennine/roles").json()
    assert sorted(r["role"] for r in roles["items"]) == ["coordinator", "treasurer"]
    mine = FederationRole.objects.get(user=fay)
    last = send(fay_api, "POST", f"/federations/pennine/roles/{mine.pk}/end")
    assert last.status_code == 409 and "at least one coordinator" in last.json()["detail"]
    suma = make_supplier(hebden, name="Suma")
    shared = send(fay_api, "POST", "/federations/pennine/suppliers", {"supplier_id": suma.pk})
    assert shared.status_code == 201 and shared.json()["kept_by"]["name"] == "Hebden"
    listed = send(client_for(member), "GET", "/federations/pennine/suppliers").json()
    assert [s["name"] for s in listed["items"]] == ["Suma"]
    missing = send(fay_api, "POST", "/federations/pennine/suppliers", {"supplier_id": 999999})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "supplier_id"
    # The book: its runners only.
    treasurer = add_member(hebden, role="treasurer").user
    federation_bank = Account.objects.create(
        book=row.federation.book, kind="bank", name="Federation bank"
    )
    ledger_transfer(
        paying=system_account(hebden, "bank"), receiving=federation_bank,
        amount=Decimal("40.00"), description="Float", actor=treasurer, idempotency_key="f1",
    )  # fmt: skip
    book = send(tess_api, "GET", "/federations/pennine/book")
    assert book.status_code == 200
    balances = {a["name"]: a["balance"] for a in book.json()["accounts"]}
    assert balances == {"Federation bank": "-40.00", "Hebden": "40.00"}
    assert send(client_for(member), "GET", "/federations/pennine/book").status_code == 404
    assert send(client_for(make_user()), "GET", "/federations/pennine/roles").status_code == 404


API_READS = ("", "/roles", "/suppliers", "/applications", "/book")
# role -> status of each read above (401: no credentials)
API_EXPECTED = {
    "visitor": (200, 401, 401, 401, 401),
    "outsider": (200, 404, 404, 404, 404),
    "lee": (200, 200, 200, 404, 404),  # a member of a member group
    "gina": (200, 200, 200, 404, 404),  # a coordinator of a member group
    "tess": (200, 200, 200, 404, 200),  # the federation's treasurer
    "fay": (200, 200, 200, 200, 200),  # the federation's coordinator
}


@pytest.mark.parametrize("role", list(API_EXPECTED))
def test_who_reads_what_through_the_api(fed: Fed, role: str) -> None:
    api = Client() if role == "visitor" else client_for(fed.people[role])
    base = f"/federations/{fed.federation.slug}"
    got = tuple(send(api, "GET", f"{base}{read}").status_code for read in API_READS)
    assert got == API_EXPECTED[role]
    named = [g["name"] for g in send(api, "GET", base).json()["groups"]]
    assert named == (["Hebden Bulk"] if role in ("visitor", "outsider") else
                     ["Hebden Bulk", "Leith Larder"])  # fmt: skip


@pytest.mark.parametrize("role", ["outsider", "lee", "gina", "tess"])
def test_only_the_federations_coordinators_act_for_it(fed: Fed, role: str) -> None:
    api = client_for(fed.people[role])
    base = f"/federations/{fed.federation.slug}"
    totnes = make_group(name="Totnes")
    row = FederationGroup.objects.create(federation=fed.federation, group=totnes)
    shared = fed.federation.suppliers.get()
    tries = [
        ("POST", f"{base}/applications/{row.pk}/approve", None),
        ("POST", f"{base}/applications/{row.pk}/refuse", {"reason": "No"}),
        ("POST", f"{base}/roles", {"email": fed.people["outsider"].email, "role": "treasurer"}),
        ("POST", f"{base}/suppliers/{shared.pk}/end", None),
        ("POST", f"{base}/groups/{fed.hebden.slug}/leave", None),
    ]
    for method, url, body in tries:
        assert send(api, method, url, body).status_code in {403, 404}, (url, role)
    row.refresh_from_db()
    shared.refresh_from_db()
    assert (row.status, shared.ended_at) == ("applied", None)
    assert FederationRole.objects.filter(federation=fed.federation).count() == 2
    assert FederationGroup.objects.get(group=fed.hebden).status == "member"
