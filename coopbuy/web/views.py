"""Pages that belong to no single area: the landing page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coopbuy.accounts.models import User
from coopbuy.catalog.permissions import suppliers_for_user
from coopbuy.groups import selectors
from coopbuy.organisations.permissions import organisations_for_admin


def home(request: HttpRequest) -> HttpResponse:
    """The landing page; signed in, it also lists the person's groups, the suppliers they act for
    and the organisations they run."""
    user = request.user
    context = {
        "memberships": selectors.memberships_for_user(user=user)
        if isinstance(user, User)
        else None,
        "suppliers": suppliers_for_user(user=user),
        "organisations": organisations_for_admin(user=user),
    }
    return render(request, "web/home.html", context)


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
