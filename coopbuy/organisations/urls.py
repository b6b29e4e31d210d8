from django.urls import path

from coopbuy.organisations import views

app_name = "organisations"
urlpatterns = [
    path("organisations/", views.mine, name="mine"),
    path("organisations/new/", views.create, name="create"),
    path("organisations/<slug:slug>/", views.detail, name="detail"),
    path("organisations/<slug:slug>/edit/", views.edit, name="edit"),
    path(
        "organisations/<slug:slug>/admins/<int:admin_id>/remove/",
        views.admin_remove,
        name="admin_remove",
    ),
]
