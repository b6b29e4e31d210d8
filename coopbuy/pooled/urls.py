"""Pooled rounds: pages."""

from django.urls import URLPattern, URLResolver

app_name = "pooled"
urlpatterns: list[URLPattern | URLResolver] = []
