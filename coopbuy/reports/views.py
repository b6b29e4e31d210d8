"""The report pages: a group's rounds (every member sees them) and a member's own savings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import group_for_member
from coopbuy.reports import exports, findings, flows, selectors, supplier_findings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: str | bytes, filename: str, kind: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if kind == "csv" else XLSX
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


@login_required
def group_report(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    rows = list(selectors.group_rounds(group=group, since=selectors.year_ago()))
    months = flows.last_months()
    members = flows.members_by_month(group, months)
    sees_money = membership.role in (Membership.Role.COORDINATOR, Membership.Role.TREASURER)
    suppliers = selectors.group_suppliers(group=group, since=selectors.year_ago())
    context = {
        "group": group,
        "membership": membership,
        "rounds": rows,
        "charts": findings.group_charts(rows, group.currency),
        "table_rows": findings.rounds_table_rows(rows),
        "members_chart": findings.members_chart(members),
        "members_months": members,
        "money_months": flows.money_by_month(group, months) if sees_money else None,
        "suppliers_chart": supplier_findings.suppliers_chart(suppliers),
        "supplier_rows": supplier_findings.supplier_table_rows(suppliers),
    }
    return render(request, "reports/group.html", context)


@login_required
def group_report_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    group, _membership = group_for_member(slug=slug, user=request.user)
    rows = selectors.group_rounds(group=group)
    body = exports.rounds_csv(rows) if kind == "csv" else exports.rounds_xlsx(rows)
    return _download(body, f"{group.slug}-rounds", kind)


@login_required
def group_suppliers_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    """Every supplier's shortages and lead times over all the group's rounds (members)."""
    group, _membership = group_for_member(slug=slug, user=request.user)
    rows = [supplier_findings.supplier_cells(s) for s in selectors.group_suppliers(group=group)]
    header = supplier_findings.SUPPLIER_COLUMNS
    body = (
        exports.table_csv(header, rows)
        if kind == "csv"
        else exports.table_xlsx("Suppliers", header, rows)
    )
    return _download(body, f"{group.slug}-suppliers", kind)


@login_required
def my_savings(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    rows = list(selectors.member_rounds(membership=membership, since=selectors.year_ago()))
    context = {
        "group": group,
        "membership": membership,
        "rounds": rows,
        "chart": findings.member_chart(rows, group.currency),
        "table_rows": findings.member_table_rows(rows, group.slug, group.currency),
        "years": selectors.member_years(membership=membership),
    }
    return render(request, "reports/me.html", context)


@login_required
def my_savings_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    rows = selectors.member_rounds(membership=membership)
    body = exports.member_csv(rows) if kind == "csv" else exports.member_xlsx(rows)
    return _download(body, f"{group.slug}-my-savings", kind)
