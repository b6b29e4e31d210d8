"""/api/: version 1 of the API, the token settings page, problem+json for any other address."""

from django.urls import path, re_path

from coopbuy.api import views
from coopbuy.api.v1 import api

app_name = "api"
urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]
