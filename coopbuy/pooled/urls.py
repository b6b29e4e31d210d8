"""Pooled rounds: pages (the pool's panel of a member's ordering page is in `panels.py`)."""

from django.urls import URLPattern, URLResolver, path, re_path

from coopbuy.pooled import views

app_name = "pooled"
urlpatterns: list[URLPattern | URLResolver] = [
    path("federations/<slug:slug>/pooled/", views.pooled_list, name="list"),
    path(
        "federations/<slug:slug>/pooled/supplier-payments/",
        views.supplier_payment,
        name="supplier_payment",
    ),
    path("federations/<slug:slug>/pooled/report/", views.federation_report, name="report"),
    re_path(
        r"^federations/(?P<slug>[-\w]+)/pooled/report\.(?P<kind>csv|xlsx)$",
        views.federation_report_file,
        name="report_file",
    ),
    path("federations/<slug:slug>/pooled/<int:pool_id>/", views.pooled_detail, name="detail"),
    path(
        "federations/<slug:slug>/pooled/<int:pool_id>/order.csv",
        views.purchase_order_csv,
        name="order_csv",
    ),
    path(
        "federations/<slug:slug>/pooled/<int:pool_id>/receive/",
        views.pooled_receive,
        name="receive",
    ),
    path(
        "federations/<slug:slug>/pooled/<int:pool_id>/<slug:action>",
        views.pooled_action,
        name="action",
    ),
]
