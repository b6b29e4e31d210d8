"""Pages that belong to no single area: the landing page and health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coopbuy.accounts.models import User
from coopbuy.catalog.permissions import suppliers_for_user
from coopbuy.groups.permissions import group_for_member
from coopbuy.organisations.permissions import organisations_for_admin
from coopbuy.web import now


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: what is happening now in each of my groups, the suppliers I act for and the
    organisations I run. Signed out: what coopbuy is."""
    user = request.user
    context = {
        "home": now.home_for(user=user) if isinstance(user, User) else None,
        "suppliers": suppliers_for_user(user=user),
        "organisations": organisations_for_admin(user=user),
    }
    return render(request, "web/home.html", context)


@login_required
def group_now(request: HttpRequest, slug: str) -> HttpResponse:
    """The "now" panel of one group's overview (loaded into the page by htmx)."""
    _group, membership = group_for_member(slug=slug, user=request.user)
    return render(request, "web/_group_now.html", {"now": now.group_now(membership=membership)})


def health(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
