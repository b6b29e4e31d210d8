"""The site's URL map: one include per area."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("coopbuy.accounts.urls")),
    path("api/tokens/", include("coopbuy.tokens.urls")),  # before /api/'s catch-all
    path("api/", include("coopbuy.config.api_urls")),
    path("", include("coopbuy.catalog.urls")),
    path("", include("coopbuy.rounds.urls")),
    path("", include("coopbuy.campaigns.urls")),
    path("", include("coopbuy.ledger.urls")),
    path("", include("coopbuy.organisations.urls")),
    path("", include("coopbuy.groups.urls")),
    path("", include("coopbuy.interest.urls")),
    path("", include("coopbuy.web.urls")),
]
