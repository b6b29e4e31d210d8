"""/api/: version 1 of the API, the token settings page, problem+json for any other address."""

from django.urls import URLPattern, path, re_path

from coopbuy.api import views
from coopbuy.api.v1 import api

patterns, app, namespace = api.urls
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = views.method_not_allowed_as_problem(pattern.callback)

app_name = "api"
urlpatterns = [
    path("v1/", (patterns, app, namespace)),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    # Any other address, even one with a line break in it, answers problem+json.
    re_path(r"^[\s\S]*$", views.not_found, name="not_found"),
]
