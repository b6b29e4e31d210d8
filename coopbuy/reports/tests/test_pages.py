"""The report pages, the round page's sentence, the CSV exports and the API, for members only."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from coopbuy.accounts.models import User
from coopbuy.outbox.models import OutboxMessage
from coopbuy.reports.models import RoundFigures
from coopbuy.testing.factories import make_user

from .test_figures import closed_round

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_group_report_states_its_findings_beside_tables() -> None:
    s = closed_round()
    ann = client_for(s["members"][0].user)
    html = ann.get(reverse("reports:group", args=[s["group"].slug])).content.decode()
    assert "Cases were 100 % full over these rounds" in html
    assert "Buying together saved £8.40 against retail and £14.40 against buying alone" in html
    assert 'role="img"' in html and 'aria-labelledby="fill-title fill-title-desc"' in html
    assert '<h2 id="fill-title">' in html
    assert "<script" not in html.split("<main", 1)[-1] and "style=" not in html
    nav = client_for(s["cora"]).get(reverse("groups:detail", args=[s["group"].slug]))
    assert reverse("reports:group", args=[s["group"].slug]) in nav.content.decode()


def test_my_savings_page_and_the_round_page_tell_the_member_what_they_saved() -> None:
    s = closed_round()
    ann = client_for(s["members"][0].user)
    page = ann.get(reverse("reports:me", args=[s["group"].slug])).content.decode()
    assert "You saved £4.20 against buying alone and £4.20 against retail in 1 rounds" in page
    assert 'aria-labelledby="my-savings-title my-savings-title-desc"' in page
    detail = ann.get(reverse("rounds:detail", args=[s["group"].slug, s["round"].pk]))
    assert "You saved £4.20 this round against buying alone, and £4.20 against retail prices." in (
        detail.content.decode()
    )


def test_a_member_with_no_closed_round_sees_an_empty_state() -> None:
    s = closed_round()
    RoundFigures.objects.all().delete()
    page = client_for(s["cora"]).get(reverse("reports:group", args=[s["group"].slug]))
    assert "No round has closed in the last 12 months yet" in page.content.decode()
    mine = client_for(s["cora"]).get(reverse("reports:me", args=[s["group"].slug]))
    assert "You have no closed round in the last 12 months" in mine.content.decode()


def test_outsiders_are_refused_every_report() -> None:
    s = closed_round()
    outsider = client_for(make_user("Olga"))
    slug = s["group"].slug
    for name in ("group", "me"):
        assert outsider.get(reverse(f"reports:{name}", args=[slug])).status_code in (403, 404)
    for name in ("group_file", "me_file"):
        for kind in ("csv", "xlsx"):
            response = outsider.get(reverse(f"reports:{name}", args=[slug, kind]))
            assert response.status_code in (403, 404)
    for path in ("rounds", "me"):
        response = outsider.get(f"/api/v1/groups/{slug}/reports/{path}")
        assert response.status_code in (403, 404)
    anonymous = Client().get(reverse("reports:group", args=[slug]))
    assert anonymous.status_code == 302


def test_csv_exports_hold_the_same_numbers_and_no_formulas() -> None:
    s = closed_round()
    s["round"].name = "=HYPERLINK(1)"
    s["round"].save(update_fields=["name"])
    from coopbuy.reports.services import reports_rebuild

    reports_rebuild()
    body = client_for(s["cora"]).get(reverse("reports:group_file", args=[s["group"].slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(body.content.decode())))
    assert [(r["round"], r["spend"], r["savings_alone"], r["case_fill"]) for r in rows] == [
        ("'=HYPERLINK(1)", str(RoundFigures.objects.get().spend), "14.40", "1.000")
    ]
    mine = client_for(s["members"][0].user).get(
        reverse("reports:me_file", args=[s["group"].slug, "csv"])
    )
    row = next(csv.DictReader(io.StringIO(mine.content.decode())))
    assert (row["goods"], row["savings_retail"], row["fill"]) == ("10.80", "4.20", "1.000")


def test_the_api_gives_a_member_their_savings_and_the_groups_rounds() -> None:
    s = closed_round()
    ann = client_for(s["members"][0].user)
    me = ann.get(f"/api/v1/groups/{s['group'].slug}/reports/me").json()
    assert me["currency"] == "GBP"
    assert [(r["savings_alone"], r["savings_retail"], r["fill"]) for r in me["rounds"]] == [
        ("4.20", "4.20", "1.000")
    ]
    assert me["rounds"][0]["sentence"].startswith("You saved £4.20 this round")
    assert [(y["rounds"], y["savings_alone"]) for y in me["years"]] == [(1, "4.20")]
    rounds = ann.get(f"/api/v1/groups/{s['group'].slug}/reports/rounds").json()
    assert rounds["count"] == 1
    item = rounds["items"][0]
    assert (item["savings_alone"], item["case_fill"], item["jain"]) == ("14.40", "1.000", "1.000")


def test_the_close_email_tells_each_member_what_they_saved() -> None:
    s = closed_round()
    ann = s["members"][0].user
    body = next(
        m.body
        for m in OutboxMessage.objects.all()
        if m.to == [ann.email] and "has closed" in m.subject  # not the "is open" announcement
    )
    assert "You saved £4.20 this round against buying alone, and £4.20 against retail prices." in (
        body
    )


def test_round_names_are_escaped_in_the_tables_and_charts() -> None:
    s = closed_round()
    RoundFigures.objects.update(name="<b>Oats</b>")
    html = client_for(s["cora"]).get(reverse("reports:group", args=[s["group"].slug])).content
    assert b"<b>Oats</b>" not in html and b"&lt;b&gt;Oats&lt;/b&gt;" in html


def test_xlsx_exports_hold_numbers_and_no_formulas() -> None:
    s = closed_round()
    RoundFigures.objects.update(name="=1+1")
    response = client_for(s["cora"]).get(
        reverse("reports:group_file", args=[s["group"].slug, "xlsx"])
    )
    assert response["Content-Disposition"].endswith('-rounds.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header, row = list(sheet.iter_rows(values_only=True))
    values = dict(zip(header, row, strict=True))
    assert values["round"] == "'=1+1"
    assert (values["savings_alone"], values["case_fill"]) == (14.4, 1)
