from django.urls import path, re_path

from coopbuy.rounds import (
    announcement_views,
    delivery_views,
    ordering_views,
    supplier_portal,
    views,
)

app_name = "rounds"
R = "g/<slug:slug>/rounds/<int:round_id>/"
urlpatterns = [
    path(
        "suppliers/<int:supplier_id>/orders/",
        supplier_portal.supplier_orders,
        name="supplier_orders",
    ),
    path("g/<slug:slug>/rounds/", views.round_list, name="list"),
    path(
        "g/<slug:slug>/emails/",
        announcement_views.announcement_settings,
        name="announcement_settings",
    ),
    path("emails/stop/<str:token>/", announcement_views.unsubscribe, name="unsubscribe"),
    path("g/<slug:slug>/rounds/new/", views.round_create, name="create"),
    path(R, views.round_detail, name="detail"),
    path(R + "order/", ordering_views.order_page, name="order"),
    path(R + "order/suppliers/", ordering_views.order_suppliers, name="order_suppliers"),
    path(R + "basket/<int:product_id>/", ordering_views.basket_update, name="basket"),
    path(
        R + "suppliers/<int:supplier_id>/order.<str:kind>",
        views.purchase_order_file,
        name="purchase_order",
    ),
    path(R + "deadline/", views.deadline, name="deadline"),
    path(R + "wanted-by/", views.wanted_by, name="wanted_by"),
    path(R + "budget/", ordering_views.budget, name="budget"),
    path(R + "repeat/", views.repeat, name="repeat"),
    path(R + "receive/", delivery_views.receive, name="receive"),
    path(R + "receive/done/", delivery_views.receive_done, name="receive_done"),
    path(R + "pick-lists/", delivery_views.pick_lists, name="pick_lists"),
    path(R + "collection/", delivery_views.collection, name="collection"),
    path(R + "collection/<int:membership_id>/", delivery_views.collect, name="collect"),
    re_path(
        r"^g/(?P<slug>[-\w]+)/rounds/(?P<round_id>\d+)/(?P<action>open|close|cancel|send-order|settle)/$",
        views.round_action,
        name="action",
    ),
]
