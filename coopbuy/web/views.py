"""Pages that belong to no single area: the landing page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coopbuy.accounts.models import User
from coopbuy.groups.permissions import group_for_member
from coopbuy.web import now


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: what is happening now in each of my groups. Signed out: what coopbuy is."""
    home = now.home_for(user=request.user) if isinstance(request.user, User) else None
    return render(request, "web/home.html", {"home": home})


@login_required
def group_now(request: HttpRequest, slug: str) -> HttpResponse:
    """The "now" panel of one group's overview (loaded into the page by htmx)."""
    _group, membership = group_for_member(slug=slug, user=request.user)
    return render(request, "web/_group_now.html", {"now": now.group_now(membership=membership)})


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
