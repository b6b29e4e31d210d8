"""Team deals: pages."""

from django.urls import URLPattern, URLResolver

app_name = "teamdeals"
urlpatterns: list[URLPattern | URLResolver] = []
