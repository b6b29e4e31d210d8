"""Subsidies and payroll through the API alone: fund, rules, statement, consent, export, run."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.ledger.keys import system_key
from coopbuy.ledger.services import member_account, post, system_account
from coopbuy.subsidies.tests.helpers import Setup, assert_books_clean, make_programme
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    secret = token_create(user=user, name="api", scope="read-write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, "/api/v1" + url, data, content_type="application/json")


def _paths(s: Setup) -> tuple[str, str]:
    org = f"/organisations/{s.organisation.slug}"
    return org, f"{org}/programmes/{s.programme.pk}"


def test_fund_rules_and_statement_through_the_api() -> None:
    s = make_programme(1)
    admin = client_for(s.admin)
    org, programme = _paths(s)
    made = call(admin, "POST", f"{org}/fund/top-ups", {"amount": "500.00", "reference": "BACS"})
    assert made.status_code == 201, made.content
    assert made.json()["balance"] == "500.00"
    top_up_id = made.json()["top_ups"][0]["id"]
    bad = call(admin, "POST", f"{org}/fund/top-ups", {"amount": "0.00"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "amount"
    refused = call(admin, "POST", f"{programme}/subsidy-rules",
                   {"kind": "goods_percent", "percent": "150"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "percent"
    assert "100" in refused.json()["detail"]
    refused = call(admin, "POST", f"{programme}/subsidy-rules",
                   {"kind": "goods_percent", "percent": "10", "monthly_cap": "-1.00"})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "monthly_cap"
    rule = call(admin, "POST", f"{programme}/subsidy-rules",
                {"kind": "goods_percent", "percent": "10", "monthly_cap": "20.00"})  # fmt: skip
    assert rule.status_code == 201
    assert (rule.json()["percent"], rule.json()["monthly_cap"]) == ("10.00", "20.00")
    rules = call(admin, "GET", f"{programme}/subsidy-rules").json()
    assert [r["id"] for r in rules] == [rule.json()["id"]]
    undone = call(admin, "POST", f"{org}/fund/top-ups/{top_up_id}/undo", {"reason": "test"})
    assert undone.json()["balance"] == "0.00" and undone.json()["top_ups"][0]["undone"] is True
    [month] = call(admin, "GET", f"{org}/subsidy-statement").json()
    assert (month["top_ups"], month["subsidies"], month["hidden_rounds"]) == ("0.00", "0.00", 0)
    # anybody else: not found
    other = client_for(s.coordinator)
    assert call(other, "GET", f"{org}/fund").status_code == 404
    assert call(other, "GET", f"{programme}/subsidy-rules").status_code == 404
    assert_books_clean()


def test_consent_export_and_run_through_the_api() -> None:
    s = make_programme(2)
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    for m, amount in zip(s.members, ("12.40", "8.00"), strict=True):
        post(
            group=s.group, kind="adjustment", description="Round charge",
            booked_on=last + timedelta(days=4),
            legs=[(member_account(m), -Decimal(amount)),
                  (system_account(s.group, "adjustments"), Decimal(amount))],
            actor=None, idempotency_key=system_key(f"api-test-{m.pk}"),
        )  # fmt: skip
    employee = client_for(s.members[0].user)
    url = f"/groups/{s.group.slug}/payroll-consent"
    shown = call(employee, "GET", url).json()
    assert shown["current"] is None and shown["organisation"] == "Calder Mills"
    refused = call(employee, "PUT", url, {"employee_reference": "", "wording": shown["wording"],
                                          "agree": True})  # fmt: skip
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "employee_reference"
    given = call(employee, "PUT", url, {"employee_reference": "P-001",
                                        "wording": shown["wording"], "agree": True})  # fmt: skip
    assert given.status_code == 200 and given.json()["current"]["employee_reference"] == "P-001"
    admin = client_for(s.admin)
    _org, programme = _paths(s)
    period = f"{last:%Y-%m}"
    this_month = f"{timezone.localdate():%Y-%m}"
    early = call(admin, "GET", f"{programme}/payroll/{this_month}")
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "month"
    export = call(admin, "GET", f"{programme}/payroll/{period}").json()
    assert export == {
        "period": period, "recorded": False, "total": "12.40", "employees": 1,
        "lines": [{"employee_reference": "P-001", "period": period, "amount": "12.40"}],
    }  # fmt: skip
    as_csv = call(admin, "GET", f"{programme}/payroll/{period}?format=csv")
    assert as_csv["Content-Type"] == "text/csv"
    assert list(csv.reader(io.StringIO(as_csv.content.decode())))[-1] == [
        "Total (1 employees)",
        period,
        "12.40",
    ]
    as_xlsx = call(admin, "GET", f"{programme}/payroll/{period}?format=xlsx")
    assert as_xlsx.content[:2] == b"PK"
    run = call(admin, "POST", f"{programme}/payroll/{period}/run")
    assert run.status_code == 200 and run.json()["recorded"] is True
    assert run.json()["total"] == "12.40"
    # the employee's own consent only: revoking keeps the history
    revoked = call(employee, "DELETE", url).json()
    assert revoked["current"] is None and revoked["history"][0]["revoked_at"] is not None
    # the organisation's admin is not a member: refused (403, as the group is public)
    assert call(client_for(s.admin), "GET", url).status_code == 403
    assert_books_clean()
