from django.urls import path

from coopbuy.catalog import import_views, supplier_user_views, views

app_name = "catalog"
S = "g/<slug:slug>/suppliers/<int:supplier_id>"
urlpatterns = [
    path("g/<slug:slug>/suppliers/", views.suppliers, name="suppliers"),
    path("g/<slug:slug>/suppliers/new/", views.supplier_create, name="supplier_create"),
    path(f"{S}/", views.supplier_detail, name="supplier"),
    path(f"{S}/edit/", views.supplier_edit, name="supplier_edit"),
    path(f"{S}/archive/", views.supplier_archive, name="supplier_archive"),
    path(f"{S}/products/new/", views.product_create, name="product_create"),
    path(f"{S}/products/<int:product_id>/", views.product_edit, name="product_edit"),
    path(f"{S}/products/<int:product_id>/image/", views.product_image, name="product_image"),
    path(
        f"{S}/products/<int:product_id>/availability/",
        views.product_availability,
        name="product_availability",
    ),
    path(f"{S}/import/", import_views.import_upload, name="import_upload"),
    path(f"{S}/import/<int:import_id>/", import_views.import_preview, name="import_preview"),
    path(
        f"{S}/import/<int:import_id>/confirm/", import_views.import_confirm, name="import_confirm"
    ),
    path(f"{S}/export.csv", import_views.export, name="export"),
    path(f"{S}/people/", supplier_user_views.supplier_people, name="supplier_people"),
    path(
        f"{S}/people/<int:supplier_user_id>/remove/",
        supplier_user_views.supplier_person_end,
        name="supplier_person_end",
    ),
    path("suppliers/mine/", supplier_user_views.my_suppliers, name="my_suppliers"),
    path(
        "suppliers/invitations/<str:code>/",
        supplier_user_views.supplier_invitation,
        name="supplier_invitation",
    ),
]
