"""/api/: version 1 of the API, and problem+json for any other address under /api/."""

from django.urls import URLPattern, path, re_path

from coopbuy.api import views
from coopbuy.config.api import api

patterns, app, namespace = api.urls
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = views.method_not_allowed_as_problem(pattern.callback)

app_name = "api"
urlpatterns = [
    path("v1/", (patterns, app, namespace)),
    # Any other address, even one with a line break in it, answers problem+json.
    re_path(r"^[\s\S]*$", views.not_found, name="not_found"),
]
