"""Pages that belong to no single area: the landing page and health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coopbuy.accounts.models import User
from coopbuy.groups import selectors


def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        selectors.memberships_for_user(user=request.user)
        if isinstance(request.user, User)
        else None
    )
    return render(request, "web/home.html", {"memberships": memberships})


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
