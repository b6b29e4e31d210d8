"""The site's URL map: one include per area."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("coopbuy.accounts.urls")),
    path("api/", include("coopbuy.api.urls")),
    path("", include("coopbuy.catalog.urls")),
    path("", include("coopbuy.rounds.urls")),
    path("", include("coopbuy.ledger.urls")),
    path("", include("coopbuy.groups.urls")),
    path("", include("coopbuy.interest.urls")),
    path("", include("coopbuy.web.urls")),
]
