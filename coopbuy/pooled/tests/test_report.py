"""The federation's report: per closed pooled round and per group, from the rows kept at close."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from coopbuy.demo.pooled_seed import SLUG
from coopbuy.demo.seed import seed_demo
from coopbuy.federations.models import FederationRole
from coopbuy.federations.services import federation_role_add
from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledRound
from coopbuy.pooled.report import (
    PoolFigures,
    federation_pool_groups,
    federation_pool_rounds,
)
from coopbuy.pooled.report_charts import saving_finding
from coopbuy.pooled.tests.factories import World, make_world, open_pool, order
from coopbuy.testing.factories import make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db

D = Decimal


def _closed(w: World, name: str = "Pooled November") -> PooledRound:
    """Ann 3 oats + 4 beans (group A), Bob 2 oats (B), Cat 1 oat (C): one case of oats only the
    pool fills; goods 15.00 / 6.00 / 3.00; the supplier's 6.00 by value plus a 1.50 drop fee each:
    delivery 5.25 / 3.00 / 2.25. Alone, Ann's beans case would carry the whole 6.00 fee: A saves
    0.75; B and C would have received nothing alone, so they save 0."""
    pool = open_pool(w, name=name)
    order(pool, w, "ann", w.oats, 3)
    order(pool, w, "ann", w.beans, 4)
    order(pool, w, "bob", w.oats, 2)
    order(pool, w, "cat", w.oats, 1)
    return pooled_round_close(pool=pool, actor=w.fay).pool


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> Client:
    secret = token_create(user=user, name="t", scope="read-write")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _treasurer(w: World) -> Any:
    tess = make_user("Tess Treasurer")
    federation_role_add(federation=w.federation, actor=w.fay, email=tess.email, role="treasurer")
    return tess


def test_the_report_sums_each_closed_round_and_each_group_from_the_stored_results() -> None:
    w = make_world()
    pool = _closed(w)
    [r] = federation_pool_rounds(federation=w.federation)
    assert (r.pool_id, r.name, r.supplier, r.groups, r.members_receiving) == (
        pool.pk, "Pooled November", "Suma", 3, 3,
    )  # fmt: skip
    assert (r.goods, r.delivery, r.spend, r.pooling_saving, r.extra_cases) == (
        D("24.00"), D("10.50"), D("34.50"), D("0.75"), 3,
    )  # fmt: skip
    groups = federation_pool_groups(federation=w.federation)
    assert [(g.name, g.rounds, g.goods, g.delivery, g.spend, g.pooling_saving) for g in groups] == [
        ("Group A", 1, D("15.00"), D("5.25"), D("20.25"), D("0.75")),
        ("Group B", 1, D("6.00"), D("3.00"), D("9.00"), D("0.00")),
        ("Group C", 1, D("3.00"), D("2.25"), D("5.25"), D("0.00")),
    ]
    # An open round is not in the report until it closes.
    open_pool(w, name="Pooled December")
    assert len(federation_pool_rounds(federation=w.federation)) == 1


def test_the_report_reads_a_fixed_number_of_queries_however_many_rounds() -> None:
    w = make_world()
    _closed(w, "First")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            federation_pool_rounds(federation=w.federation)
            federation_pool_groups(federation=w.federation)
        return len(queries)

    def page() -> int:
        client = _client(w.fay)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/federations/{w.federation.slug}/pooled/report/").status_code == 200
        return len(queries)

    one, one_page = count(), page()
    _closed(w, "Second")
    _closed(w, "Third")
    assert count() == one == 2
    assert page() == one_page
    rounds = federation_pool_rounds(federation=w.federation)
    assert [r.name for r in rounds] == ["Third", "Second", "First"]  # newest first
    assert [g.rounds for g in federation_pool_groups(federation=w.federation)] == [3, 3, 3]


def test_the_page_charts_the_findings_with_tables_and_names_no_member() -> None:
    w = make_world()
    _closed(w)
    url = f"/federations/{w.federation.slug}/pooled/report/"
    response = _client(w.fay).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pooling saved £0.75 in the last round" in html
    assert "The groups spent £34.50 in pooled rounds; Group A the most (£20.25)" in html
    assert html.count('<svg class="chart" role="img"') == 2
    assert "Saved by pooling per round" in html and "Spend per group" in html
    for group in ("Group A", "Group B", "Group C"):
        assert group in html
    for member in ("Ann", "Amy", "Bob", "Ben", "Cat"):
        assert not re.search(rf"\b{member}\b", html), member
    # The treasurer sees it too; the list page links to it.
    assert _client(_treasurer(w)).get(url).status_code == 200
    listing = _client(w.fay).get(f"/federations/{w.federation.slug}/pooled/").content.decode()
    assert url in listing


def test_the_page_says_so_before_any_pooled_round_closed() -> None:
    w = make_world()
    open_pool(w)
    response = _client(w.fay).get(f"/federations/{w.federation.slug}/pooled/report/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "No pooled round has closed yet." in html and "<svg" not in html


def test_a_cost_is_called_a_cost() -> None:
    row = PoolFigures(1, "P", timezone.now(), "S", 2, 3, D("10"), D("2"), D("-1.20"), 0)
    assert saving_finding([row, row], "GBP") == (
        "Pooling cost £2.40 more than ordering alone over the last 2 rounds"
    )


def test_the_exports_carry_every_rounds_figures_with_text_guarded() -> None:
    w = make_world()
    _closed(w, "=HYPERLINK(1)")
    base = f"/federations/{w.federation.slug}/pooled/report"
    client = _client(w.fay)
    response = client.get(f"{base}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "closed_at", "pooled_round", "supplier", "currency", "groups", "members_receiving",
        "goods", "delivery_and_drop_fees", "spend", "pooling_saving", "extra_cases",
    ]  # fmt: skip
    assert rows[1][1:] == [
        "'=HYPERLINK(1)", "Suma", "GBP", "3", "3", "24.00", "10.50", "34.50", "0.75", "3",
    ]  # fmt: skip
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[1][1] == "'=HYPERLINK(1)"
    assert [D(str(v)) for v in sheet[1][6:10]] == [D("24"), D("10.5"), D("34.5"), D("0.75")]


def test_the_api_gives_the_same_figures_to_the_runners() -> None:
    w = make_world()
    pool = _closed(w)
    url = f"/api/v1/federations/{w.federation.slug}/report"
    body = _api(_treasurer(w)).get(url).json()
    assert body["currency"] == "GBP"
    [r] = body["rounds"]
    assert {k: v for k, v in r.items() if k != "closed_at"} == {
        "pool_id": pool.pk, "name": "Pooled November", "supplier": "Suma", "groups": 3,
        "members_receiving": 3, "goods": "24.00", "delivery": "10.50",
        "pooling_saving": "0.75", "extra_cases": 3,
    }  # fmt: skip
    assert body["groups"][0] == {
        "group": w.groups[0].slug, "name": "Group A", "rounds": 1, "goods": "15.00",
        "delivery": "5.25", "spend": "20.25", "pooling_saving": "0.75", "extra_cases": 1,
    }  # fmt: skip
    assert _api(w.fay).get(url).status_code == 200


def test_a_member_groups_coordinator_is_not_shown_the_report() -> None:
    w = make_world()
    _closed(w)
    slug = w.federation.slug
    cora = w.coordinators[0]
    for path in ("report/", "report.csv", "report.xlsx"):
        assert _client(cora).get(f"/federations/{slug}/pooled/{path}").status_code == 404
    assert _api(cora).get(f"/api/v1/federations/{slug}/report").status_code == 404
    assert _client(w.users["ann"]).get(f"/federations/{slug}/pooled/report/").status_code == 404


def test_the_demo_federations_coordinator_sees_its_report() -> None:
    seed_demo()
    runner = FederationRole.objects.filter(
        federation__slug=SLUG, role="coordinator", ended_at__isnull=True
    ).first()
    assert runner is not None
    html = _client(runner.user).get(f"/federations/{SLUG}/pooled/report/").content.decode()
    assert "Pooling saved" in html and "over the last" not in html  # one round, saved money
