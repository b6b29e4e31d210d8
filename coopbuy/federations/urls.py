"""Federations: pages."""

from django.urls import URLPattern, URLResolver

app_name = "federations"
urlpatterns: list[URLPattern | URLResolver] = []
