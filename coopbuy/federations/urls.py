"""Federations: pages."""

from django.urls import URLPattern, URLResolver, path

from coopbuy.federations import group_views, views

app_name = "federations"
urlpatterns: list[URLPattern | URLResolver] = [
    path("federations/", views.directory, name="directory"),
    path("federations/new/", views.create, name="create"),
    path("f/<slug:slug>/", views.overview, name="overview"),
    path("f/<slug:slug>/applications/", views.applications, name="applications"),
    path("f/<slug:slug>/applications/<int:row_id>/approve/", views.approve, name="approve"),
    path("f/<slug:slug>/applications/<int:row_id>/refuse/", views.refuse, name="refuse"),
    path("f/<slug:slug>/groups/<int:row_id>/remove/", views.remove_group, name="remove_group"),
    path("f/<slug:slug>/roles/", views.roles, name="roles"),
    path("f/<slug:slug>/roles/<int:role_id>/end/", views.role_end, name="role_end"),
    path("f/<slug:slug>/suppliers/", views.suppliers, name="suppliers"),
    path("f/<slug:slug>/suppliers/<int:shared_id>/end/", views.supplier_end, name="supplier_end"),
    path("f/<slug:slug>/money/", views.money, name="money"),
    path("g/<slug:slug>/federations/", group_views.group_federations, name="group"),
    path("g/<slug:slug>/federations/apply/", group_views.apply, name="apply"),
    path("g/<slug:slug>/federations/<int:row_id>/markup/", group_views.markup, name="markup"),
    path("g/<slug:slug>/federations/<int:row_id>/leave/", group_views.leave, name="leave"),
    path("g/<slug:slug>/federations/<int:row_id>/pay/", group_views.pay, name="pay"),
]
