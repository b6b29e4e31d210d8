"""Tenders: pages."""

from django.urls import path

from coopbuy.tenders import supplier_views, views

app_name = "tenders"
urlpatterns = [
    path("tenders/", views.mine, name="mine"),
    path(
        "tenders/new/federation/<slug:slug>/", views.create_for_federation, name="create_federation"
    ),
    path("tenders/new/group/<slug:slug>/", views.create_for_group, name="create_group"),
    path("tenders/<int:tender_id>/", views.detail, name="detail"),
    path("tenders/<int:tender_id>/items/", views.item_save, name="item_save"),
    path("tenders/<int:tender_id>/items/<str:code>/delete/", views.item_delete, name="item_delete"),
    path("tenders/<int:tender_id>/prefill/", views.prefill, name="prefill"),
    path("tenders/<int:tender_id>/invite/", views.invite, name="invite"),
    path("tenders/<int:tender_id>/publish/", views.publish, name="publish"),
    path("tenders/<int:tender_id>/award/", views.award, name="award"),
    path("tenders/<int:tender_id>/confirm/", views.confirm, name="confirm"),
    path("tenders/<int:tender_id>/not-confirmed/", views.not_confirm, name="not_confirm"),
    path("tenders/<int:tender_id>/bid/<int:supplier_id>/", supplier_views.bid, name="bid"),
    path(
        "tenders/<int:tender_id>/bid/<int:supplier_id>/withdraw/",
        supplier_views.withdraw,
        name="withdraw",
    ),
    path("tenders/<int:tender_id>/saving/", supplier_views.saving, name="saving"),
    path("tenders/<int:tender_id>/opt-in/", supplier_views.opt_in, name="opt_in"),
]
