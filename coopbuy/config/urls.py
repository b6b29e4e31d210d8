"""The site's URL map: one include per area."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The admin's own login form would bypass the login throttle: it sends people to the site's
# login page instead (failed logins counted in the shared cache), then back.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", include("coopbuy.accounts.urls")),
    path("api/tokens/", include("coopbuy.tokens.urls")),  # before /api/'s catch-all
    path("api/", include("coopbuy.config.api_urls")),
    path("", include("coopbuy.federations.urls")),
    path("", include("coopbuy.pooled.urls")),
    path("", include("coopbuy.tenders.urls")),
    path("", include("coopbuy.programmes.urls")),
    path("", include("coopbuy.subsidies.urls")),
    path("", include("coopbuy.teamdeals.urls")),
    path("", include("coopbuy.catalog.urls")),
    path("", include("coopbuy.rounds.urls")),
    path("", include("coopbuy.campaigns.urls")),
    path("", include("coopbuy.ledger.urls")),
    path("", include("coopbuy.reports.urls")),
    path("", include("coopbuy.organisations.urls")),
    path("", include("coopbuy.groups.urls")),
    path("", include("coopbuy.interest.urls")),
    path("", include("coopbuy.web.urls")),
]

# While the database cannot be reached: 503 with Retry-After instead of 500 (docs/deploy.md).
handler500 = "coopbuy.web.unavailable.server_error"
